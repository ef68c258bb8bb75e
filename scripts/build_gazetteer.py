#!/usr/bin/env python3
"""Build the place gazetteer under marsad/resources/ from ../shared/data/gazetteer.

One file per source licence, all with the same columns (see COLUMNS):
  gazetteer_countries.tsv.gz  countries (mledoze/countries, ODbL-1.0)
  gazetteer_dr5hn.tsv.gz      states and cities of 25 MENA countries (dr5hn, ODbL-1.0)
  gazetteer_geonames.tsv.gz   GeoNames places with Arabic names (CC BY 4.0)
  gazetteer_iraq.tsv.gz       Iraqi provinces, districts, sub-districts (m7amad-t, MIT)
  gazetteer_curated.tsv.gz    this project's own list: Arabic exonyms of world cities,
                              country name variants and regions (Apache-2.0, general knowledge)
Rows sharing an id (e.g. `c:IRQ` in countries and curated) are merged at load time.

Each Arabic name carries a `*` prefix when it is *weak*: a single word that is also an
ordinary Arabic word or too short to trust (الجديدة, آب, أمان ...). The extractor accepts a
weak name only when the NER tagged it as a place or a feature word (مدينة، بلدة…) precedes it.

    python scripts/build_gazetteer.py [--shared ../shared] [--out marsad/resources]

Deterministic: rows sorted by id.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from marsad.text.normalize import normalize  # noqa: E402
from marsad.text.segment import Vocabulary  # noqa: E402

OUT = ROOT / "marsad" / "resources"
COLUMNS = ["id", "feature", "name_en", "name_ar", "names", "country", "admin1", "admin2",
           "lat", "lon", "population", "geonameid", "gn_admin1", "flags"]

# Letters of Persian, Kurdish, Urdu and Uyghur spellings: such variants never occur in Arabic news.
NON_ARABIC = re.compile("[ەڵێۆڕپچژگڤۇېھہۆےۈۋ]|[A-Za-z]")
ARABIC_WORD = re.compile("^[\u0621-\u064a ]+$")
# Words in front of a name that are the feature type, not the name: "محافظة الأنبار" -> "الأنبار".
FEATURE_PREFIXES = ("محافظة", "ولاية", "منطقة", "إقليم", "قضاء", "ناحية", "مدينة", "مديرية",
                    "بلدية", "شعبية", "مركز", "لواء")

# Ordinary Arabic words (normalised) that GeoNames or dr5hn list as place names.  They stay
# in the gazetteer as weak names (need NER or a feature cue), whatever the place's size.
COMMON_WORDS = set(normalize(w) for w in """
آب اب أب أمان امان الأمان البلا ساليم صهيون يبوس مريا الجديدة جديدة السلام سلام الأمن أمن
الغربية الشرقية الشمالية الجنوبية الوسطى جنوب شمال شرق غرب شمالي جنوبي شرقي غربي وسط الوسط
الجزيرة جزيرة حجة حجر نهم عمران يبعث يشيد مالي بنين النصر نصر الحرية حرية الوحدة وحدة التحرير
تحرير الثورة ثورة العين عين الشام المنطقة منطقة المدينة مدينة القرية قرية البلد بلد الدولة دولة
السعادة الفلاح الرحمة الرحمن النور نور الأمل أمل الخير خير الهدى الإسلام الإيمان الاستقلال
الشهداء الشهيد البحر بحر النهر نهر الجبل جبل الوادي وادي السوق سوق الميناء ميناء المطار مطار
الحي حي المركز مركز القصر قصر البيت بيت الساحل ساحل الكرامة كرامة العودة الزهراء الفتح النهضة
الرشيد السلطان الملك الأمير الشيخ شيخ الإمام الحسين الحسن علي محمد أحمد عمر خالد حسن حسين
سليمان يوسف إبراهيم موسى عيسى مريم فاطمة زينب عائشة الرسالة الحرم حرم
الجمهورية جمهورية الاتحاد اتحاد الوطن وطن العرب عرب الحمراء البيضاء السوداء الخضراء الزرقاء
الصفراء الحمرا البيضا الأبيض الأحمر الأسود الأخضر الأزرق الكبرى الصغرى الكبير الصغير القديمة
قديمة العليا السفلى الفوقاني التحتاني الأولى الثانية الثالثة الرابعة الخامسة الأول الثاني
المحطة محطة الجسر جسر المعسكر معسكر الحدود حدود المعبر معبر الرئيس رئيس الدعم الحوار الأحرار
القائد المقاومة المعارضة القاعدة قاعدة الأمانة أمانة العاصمة عاصمة المملكة الإمارة
الملعب الجامعة جامعة المدرسة مدرسة المستشفى مستشفى الثورة المصنع مصنع السجن سجن الفاروق بدر أحد الصخرة الرمل الرملة رمل الحصن حصن البرج برج الطريق طريق الطيبة طيبة الكوثر الهرم هرم الأهرام المنار منار الرابية الروضة روضة الزيتون زيتون التين النخيل نخيل
العرش السد سد الدير دير الكنيسة كنيسة المسجد مسجد الحسينية الصالحية الحميدية المالكية الشرقي الغربي الجنوبي الشمالي خان خانه قلعة القلعة السلامة سلامة الأسد أسد
اليرموك المتوسط البادية
سنه خبر رياض الصدر الداخلية جميلة سلطات بشار الخمس لكسر رشيد جاسم عزيز يهود دان شعب ملكة سعيدة
ساري عشاق ستيف سيد إسلام اسلام الجهاد البلديات قطرية حاجز ثروة ميزان تصور ستار ثابت صهر ينقل
الحاضر أحمدي احمدي الشروق العبيدي البغدادي الخضر فارس البيض صافي مركزي بحري الفحم آدم ادم
العيون مينا الجد سميرة الإسكان الاسكان ربه مفتاح كيو خليج ميديا القبة العنان ورق زهرة طبقة محلات
كلامه مزرعة أرباب ارباب شوط صالحي قارة رائحة ثنائي أمد امد مسكن قصور جار جاويد عقاب لمس حزام إيل
ايل دخان وان فان الظاهرة عصابة بركان ميلا قبلي تعذيب محاصرة خوف رفيق تكريم أباد اباد غول ثروه
المطلة أفيغدور افيغدور الزاوية زاوية الشريعة الفقيرة جيف أرسين ارسين شابا بالا طبقه مقبنة متنة
الجراحي الحزم فايد الغرف حرض حيس باقم ميدي صلاة صلاه وله الريان سيدي بني أبو ابو أم ام بير
كفر مركز العرب
الخميس بيان بانه الجديد إطار اطار عنه جمال وقف الصور صور الزعيم الحد عالية دورا الام إيلام حمد
زايد القائم العلم أشرف اشرف مشهد حديثة السبت الأحد الاثنين الثلاثاء الأربعاء الجمعة يناير فبراير
مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر تموز حزيران أيار نيسان آذار شباط
كانون تشرين أيلول الطرف سفيرة الشمال البحيرة الأقصر
جدة الخبر صبيا إيدن ايدن السفيرة السلمية سلمية الفحص ضمير البلاد العبور وازن نايف الجميل راقية
خالص الخالص بجيل نقده سترة سيبدو صخرة العقيق حولي بعقوبة نفطة الجعفرية تل كوكي الرويس قيصرية زرقاء سويس

""".split())
# Single-word names shorter than this many letters are weak unless the place is a country.
MIN_STRONG_LEN = 3
# A single-word name whose corpus frequency is at least this is weak unless the place is big.
FREQ_WEAK = 40
POP_STRONG = 20_000

# --------------------------------------------------------------------------------------
# Curated: Arabic exonyms of world cities that Arabic news names (capitals and others).
# (names | English | ISO-3 | lat | lon | population | flags); coordinates from general knowledge.
WORLD_CITIES = """
واشنطن|واشطن	Washington	USA	38.90	-77.04	700000	capital
نيويورك	New York	USA	40.71	-74.01	8400000	
لوس أنجلوس	Los Angeles	USA	34.05	-118.24	3900000	
شيكاغو	Chicago	USA	41.88	-87.63	2700000	
أتلانتا	Atlanta	USA	33.75	-84.39	500000	
هيوستن	Houston	USA	29.76	-95.37	2300000	
سان فرانسيسكو	San Francisco	USA	37.77	-122.42	870000	
ميامي	Miami	USA	25.76	-80.19	450000	
بوسطن	Boston	USA	42.36	-71.06	690000	
ديترويت	Detroit	USA	42.33	-83.05	640000	
سياتل	Seattle	USA	47.61	-122.33	740000	
لاس فيغاس|لاس فيجاس	Las Vegas	USA	36.17	-115.14	640000	
أوتاوا	Ottawa	CAN	45.42	-75.70	1000000	capital
تورونتو|تورنتو	Toronto	CAN	43.65	-79.38	2800000	
مونتريال	Montreal	CAN	45.50	-73.57	1780000	
مكسيكو سيتي	Mexico City	MEX	19.43	-99.13	9200000	capital
هافانا	Havana	CUB	23.11	-82.37	2100000	capital
كراكاس	Caracas	VEN	10.49	-66.88	2000000	capital
برازيليا	Brasilia	BRA	-15.79	-47.88	4800000	capital
ريو دي جانيرو	Rio de Janeiro	BRA	-22.91	-43.17	6700000	
ساو باولو	Sao Paulo	BRA	-23.55	-46.63	12300000	
بوينس آيرس	Buenos Aires	ARG	-34.60	-58.38	3000000	capital
سانتياغو	Santiago	CHL	-33.45	-70.67	5600000	capital
بوغوتا	Bogota	COL	4.71	-74.07	7400000	capital
ليما	Lima	PER	-12.05	-77.04	9700000	capital
لندن	London	GBR	51.51	-0.13	8900000	capital
مانشستر	Manchester	GBR	53.48	-2.24	550000	
برمنغهام|برمنجهام	Birmingham	GBR	52.49	-1.89	1100000	
إدنبرة	Edinburgh	GBR	55.95	-3.19	520000	
باريس	Paris	FRA	48.86	2.35	2100000	capital
مرسيليا	Marseille	FRA	43.30	5.37	870000	
ليون	Lyon	FRA	45.76	4.84	520000	
ستراسبورغ	Strasbourg	FRA	48.57	7.75	280000	
نيس	Nice	FRA	43.70	7.27	340000	
برلين	Berlin	DEU	52.52	13.40	3600000	capital
ميونخ	Munich	DEU	48.14	11.58	1500000	
هامبورغ	Hamburg	DEU	53.55	9.99	1800000	
فرانكفورت	Frankfurt	DEU	50.11	8.68	750000	
بون	Bonn	DEU	50.74	7.10	330000	
روما	Rome	ITA	41.90	12.50	2800000	capital
ميلانو	Milan	ITA	45.46	9.19	1400000	
مدريد	Madrid	ESP	40.42	-3.70	3300000	capital
برشلونة	Barcelona	ESP	41.39	2.17	1600000	
لشبونة	Lisbon	PRT	38.72	-9.14	550000	capital
بروكسل	Brussels	BEL	50.85	4.35	1200000	capital
أمستردام	Amsterdam	NLD	52.37	4.90	870000	capital
لاهاي	The Hague	NLD	52.08	4.30	550000	
جنيف	Geneva	CHE	46.20	6.14	200000	
زيورخ	Zurich	CHE	47.38	8.54	420000	
برن	Bern	CHE	46.95	7.45	140000	capital
لوزان	Lausanne	CHE	46.52	6.63	140000	
دافوس	Davos	CHE	46.80	9.84	11000	
فيينا	Vienna	AUT	48.21	16.37	1900000	capital
ستوكهولم	Stockholm	SWE	59.33	18.07	980000	capital
أوسلو	Oslo	NOR	59.91	10.75	700000	capital
كوبنهاغن|كوبنهاجن	Copenhagen	DNK	55.68	12.57	640000	capital
هلسنكي	Helsinki	FIN	60.17	24.94	650000	capital
دبلن	Dublin	IRL	53.35	-6.26	550000	capital
وارسو	Warsaw	POL	52.23	21.01	1800000	capital
براغ	Prague	CZE	50.08	14.44	1300000	capital
بودابست	Budapest	HUN	47.50	19.04	1750000	capital
بوخارست	Bucharest	ROU	44.43	26.10	1800000	capital
صوفيا	Sofia	BGR	42.70	23.32	1240000	capital
أثينا	Athens	GRC	37.98	23.73	660000	capital
بلغراد	Belgrade	SRB	44.79	20.45	1170000	capital
سراييفو	Sarajevo	BIH	43.86	18.41	280000	capital
نيقوسيا	Nicosia	CYP	35.17	33.36	330000	capital
لارنكا	Larnaca	CYP	34.92	33.63	85000	
فاليتا	Valletta	MLT	35.90	14.51	6000	capital
موسكو	Moscow	RUS	55.76	37.62	12500000	capital
سان بطرسبرغ|سانت بطرسبرغ	Saint Petersburg	RUS	59.93	30.34	5400000	
سوتشي	Sochi	RUS	43.60	39.73	440000	
غروزني	Grozny	RUS	43.32	45.69	300000	
كييف	Kyiv	UKR	50.45	30.52	2900000	capital
مينسك	Minsk	BLR	53.90	27.57	2000000	capital
تبليسي	Tbilisi	GEO	41.72	44.79	1100000	capital
يريفان	Yerevan	ARM	40.18	44.51	1090000	capital
باكو	Baku	AZE	40.41	49.87	2300000	capital
أستانا|نور سلطان	Astana	KAZ	51.17	71.45	1100000	capital
طشقند	Tashkent	UZB	41.30	69.24	2500000	capital
كابول	Kabul	AFG	34.53	69.17	4400000	capital
قندهار	Kandahar	AFG	31.63	65.71	600000	
إسلام آباد|اسلام اباد	Islamabad	PAK	33.68	73.05	1000000	capital
كراتشي	Karachi	PAK	24.86	67.01	14900000	
لاهور	Lahore	PAK	31.55	74.34	11100000	
بيشاور	Peshawar	PAK	34.01	71.58	1970000	
نيودلهي|نيو دلهي	New Delhi	IND	28.61	77.21	250000	capital
مومباي	Mumbai	IND	19.08	72.88	12400000	
دكا	Dhaka	BGD	23.81	90.41	8900000	capital
كولومبو	Colombo	LKA	6.93	79.86	750000	capital
بكين|بيجين	Beijing	CHN	39.90	116.40	21500000	capital
شنغهاي	Shanghai	CHN	31.23	121.47	24200000	
هونغ كونغ	Hong Kong	CHN	22.32	114.17	7400000	
طوكيو	Tokyo	JPN	35.68	139.69	13900000	capital
سيول|سول	Seoul	KOR	37.57	126.98	9700000	capital
بيونغ يانغ|بيونغيانغ	Pyongyang	PRK	39.04	125.76	2900000	capital
جاكرتا	Jakarta	IDN	-6.21	106.85	10600000	capital
كوالالمبور	Kuala Lumpur	MYS	3.14	101.69	1800000	capital
سنغافورة	Singapore	SGP	1.35	103.82	5600000	capital
بانكوك	Bangkok	THA	13.76	100.50	8300000	capital
مانيلا	Manila	PHL	14.60	120.98	1800000	capital
هانوي	Hanoi	VNM	21.03	105.85	8000000	capital
سيدني	Sydney	AUS	-33.87	151.21	5300000	
كانبيرا	Canberra	AUS	-35.28	149.13	430000	capital
ملبورن	Melbourne	AUS	-37.81	144.96	5000000	
أديس أبابا|أديس ابابا	Addis Ababa	ETH	9.03	38.74	3400000	capital
أسمرة	Asmara	ERI	15.33	38.93	900000	capital
نيروبي	Nairobi	KEN	-1.29	36.82	4400000	capital
كمبالا	Kampala	UGA	0.35	32.58	1700000	capital
عنتيبي	Entebbe	UGA	0.05	32.46	70000	
جوبا	Juba	SSD	4.85	31.58	400000	capital
نجامينا|انجامينا	N'Djamena	TCD	12.13	15.06	1500000	capital
نيامي	Niamey	NER	13.51	2.11	1300000	capital
باماكو	Bamako	MLI	12.64	-8.00	2700000	capital
أبوجا	Abuja	NGA	9.08	7.40	1200000	capital
لاغوس	Lagos	NGA	6.52	3.38	15000000	
داكار	Dakar	SEN	14.72	-17.47	1100000	capital
أكرا	Accra	GHA	5.60	-0.19	2300000	capital
كينشاسا	Kinshasa	COD	-4.44	15.27	14900000	capital
لواندا	Luanda	AGO	-8.84	13.23	2600000	capital
دار السلام	Dar es Salaam	TZA	-6.79	39.21	4400000	
جوهانسبرغ|جوهانسبرج	Johannesburg	ZAF	-26.20	28.05	5600000	
كيب تاون	Cape Town	ZAF	-33.92	18.42	4600000	
بريتوريا	Pretoria	ZAF	-25.75	28.19	740000	capital
أنقرة	Ankara	TUR	39.93	32.86	5600000	capital
طهران	Tehran	IRN	35.69	51.39	8700000	capital
تل أبيب|تل ابيب	Tel Aviv	ISR	32.09	34.78	460000	
الرباط	Rabat	MAR	34.02	-6.84	580000	capital
الجزائر العاصمة	Algiers	DZA	36.75	3.06	2400000	capital
تونس العاصمة	Tunis	TUN	36.81	10.18	640000	capital
نواكشوط	Nouakchott	MRT	18.08	-15.98	1200000	capital
مقديشو	Mogadishu	SOM	2.05	45.32	2400000	capital
جيبوتي العاصمة	Djibouti	DJI	11.59	43.15	600000	capital
مسقط	Muscat	OMN	23.59	58.41	1400000	capital
المنامة	Manama	BHR	26.23	50.59	200000	capital
مدينة الكويت	Kuwait City	KWT	29.37	47.98	3000000	capital
أبوظبي|أبو ظبي	Abu Dhabi	ARE	24.45	54.38	1500000	capital
الدوحة	Doha	QAT	25.29	51.53	1200000	capital
سوتشي	Sochi	RUS	43.60	39.73	440000	
أستانة	Astana	KAZ	51.17	71.45	1100000	capital
هلسنكي	Helsinki	FIN	60.17	24.94	650000	capital
"""

# Country name variants that mledoze lacks (normalisation covers hamza and ta marbuta).
COUNTRY_VARIANTS = {
    "USA": "الولايات المتحدة|الولايات المتحدة الأمريكية|الولايات المتحدة الأميركية|أمريكا|أميركا|امريكا",
    "GBR": "بريطانيا|المملكة المتحدة|بريطانيا العظمى|إنجلترا|انكلترا",
    "SAU": "السعودية|المملكة العربية السعودية|المملكة السعودية",
    "ARE": "الإمارات|الإمارات العربية المتحدة|الإمارات العربية|دولة الإمارات",
    "RUS": "روسيا|روسيا الاتحادية|الاتحاد السوفياتي|الاتحاد السوفيتي",  # the USSR geocodes to Moscow's state
    "SYR": "سوريا|سورية|الجمهورية العربية السورية",
    "EGY": "مصر|جمهورية مصر العربية",
    "IRN": "إيران|الجمهورية الإسلامية الإيرانية",
    "IRQ": "العراق|جمهورية العراق",
    "YEM": "اليمن|الجمهورية اليمنية",
    "LBY": "ليبيا",
    "LBN": "لبنان",
    "PSE": "فلسطين|دولة فلسطين|الأراضي الفلسطينية|الأراضي الفلسطينية المحتلة",
    "ISR": "إسرائيل|اسرائيل",
    "JOR": "الأردن|المملكة الأردنية الهاشمية",
    "TUR": "تركيا",
    "QAT": "قطر|دولة قطر",
    "KWT": "الكويت|دولة الكويت",
    "BHR": "البحرين|مملكة البحرين",
    "OMN": "سلطنة عمان|سلطنة عُمان",
    "SDN": "السودان|جمهورية السودان",
    "SSD": "جنوب السودان|جنوب_السودان",
    "ETH": "إثيوبيا|أثيوبيا|اثيوبيا|الحبشة",
    "DZA": "الجزائر",
    "MAR": "المغرب|المملكة المغربية",
    "TUN": "تونس",
    "MRT": "موريتانيا",
    "SOM": "الصومال",
    "DJI": "جيبوتي",
    "DEU": "ألمانيا|المانيا",
    "FRA": "فرنسا",
    "CHN": "الصين",
    "AFG": "أفغانستان",
    "PAK": "باكستان",
    "IND": "الهند",
    "UKR": "أوكرانيا|اوكرانيا",
    "KOR": "كوريا الجنوبية",
    "PRK": "كوريا الشمالية",
    "NLD": "هولندا",
    "BEL": "بلجيكا",
    "CHE": "سويسرا",
    "ITA": "إيطاليا|ايطاليا",
    "ESP": "إسبانيا|اسبانيا",
    "MEX": "المكسيك",
    "CAN": "كندا",
    "UGA": "أوغندا|اوغندا",
    "KEN": "كينيا",
    "ERI": "إريتريا|أريتريا",
    "TCD": "تشاد",
    "NGA": "نيجيريا",
    "CYP": "قبرص",
    "GRC": "اليونان",
    "AUS": "أستراليا|استراليا",
    "JPN": "اليابان",
    "COD": "الكونغو الديمقراطية",
    "VAT": "الفاتيكان",
}

# Regions, seas, rivers and other named areas (LOC).  country is empty for areas that span
# several countries.  names | English | ISO-3 | admin1 | lat | lon | kind
REGIONS = """
الشرق الأوسط	Middle East		29.0	41.0	region
الخليج|الخليج العربي|منطقة الخليج	Persian Gulf		26.5	52.0	sea
الخليج الفارسي	Persian Gulf		26.5	52.0	sea
شبه الجزيرة العربية	Arabian Peninsula		23.0	46.0	region
شبه جزيرة سيناء|سيناء	Sinai Peninsula	EGY		29.5	33.8	region
شمال سيناء	North Sinai	EGY	North Sinai	30.6	33.6	province
جنوب سيناء	South Sinai	EGY	South Sinai	28.5	33.9	province
الضفة الغربية|الضفة	West Bank	PSE		31.95	35.25	region
قطاع غزة	Gaza Strip	PSE		31.42	34.37	region
القدس الشرقية	East Jerusalem	PSE		31.78	35.24	city
البحر الأحمر	Red Sea		20.0	38.5	sea
البحر المتوسط|البحر الأبيض المتوسط|المتوسط	Mediterranean Sea		35.0	18.0	sea
البحر الأسود	Black Sea		43.0	35.0	sea
بحر العرب	Arabian Sea		15.0	65.0	sea
بحر قزوين	Caspian Sea		41.0	51.0	sea
المحيط الهندي	Indian Ocean		-10.0	75.0	sea
المحيط الأطلسي	Atlantic Ocean		30.0	-40.0	sea
خليج عدن	Gulf of Aden		12.5	48.0	sea
خليج عمان	Gulf of Oman		24.5	58.5	sea
مضيق هرمز	Strait of Hormuz		26.57	56.25	sea
مضيق باب المندب|باب المندب	Bab el-Mandeb		12.58	43.33	sea
قناة السويس	Suez Canal	EGY		30.58	32.27	site
هضبة الجولان|الجولان|الجولان المحتل|مرتفعات الجولان	Golan Heights	SYR	Quneitra	33.0	35.75	region
مزارع شبعا	Shebaa Farms	LBN	Nabatieh	33.28	35.70	region
الغوطة الشرقية	Eastern Ghouta	SYR	Rif Dimashq	33.55	36.45	region
الغوطة الغربية	Western Ghouta	SYR	Rif Dimashq	33.45	36.20	region
الغوطة	Ghouta	SYR	Rif Dimashq	33.53	36.40	region
القلمون	Qalamoun	SYR	Rif Dimashq	33.90	36.60	region
ريف دمشق	Rif Dimashq	SYR	Rif Dimashq	33.50	36.60	province
ريف حلب	Aleppo countryside	SYR	Aleppo	36.25	37.30	region
ريف حلب الشمالي	northern Aleppo countryside	SYR	Aleppo	36.50	37.15	region
ريف حلب الغربي	western Aleppo countryside	SYR	Aleppo	36.15	36.85	region
ريف حلب الشرقي	eastern Aleppo countryside	SYR	Aleppo	36.25	37.70	region
ريف إدلب	Idlib countryside	SYR	Idlib	35.80	36.60	region
ريف إدلب الجنوبي	southern Idlib countryside	SYR	Idlib	35.55	36.65	region
ريف حمص	Homs countryside	SYR	Homs	34.70	37.00	region
ريف حمص الشمالي	northern Homs countryside	SYR	Homs	34.85	36.75	region
ريف حماة	Hama countryside	SYR	Hama	35.20	36.70	region
ريف حماة الشمالي	northern Hama countryside	SYR	Hama	35.35	36.65	region
ريف درعا	Daraa countryside	SYR	Daraa	32.75	36.10	region
ريف درعا الغربي	western Daraa countryside	SYR	Daraa	32.75	35.95	region
ريف درعا الشرقي	eastern Daraa countryside	SYR	Daraa	32.70	36.30	region
ريف اللاذقية	Latakia countryside	SYR	Latakia	35.70	36.05	region
ريف القنيطرة	Quneitra countryside	SYR	Quneitra	33.10	35.85	region
ريف دير الزور	Deir ez-Zor countryside	SYR	Deir ez-Zor	35.10	40.40	region
ريف الرقة	Raqqa countryside	SYR	Raqqa	35.90	38.90	region
شرق الفرات	East of the Euphrates	SYR		36.00	40.00	region
البادية السورية|البادية	Syrian Desert	SYR	Homs	34.50	38.50	region
جبل الزاوية	Jabal al-Zawiya	SYR	Idlib	35.65	36.55	region
الساحل السوري	Syrian coast	SYR	Latakia	35.30	35.95	region
الساحل الغربي	West Coast (Yemen)	YEM	Al Hudaydah	14.20	43.10	region
وادي حضرموت	Wadi Hadramawt	YEM	Hadhramaut	15.95	48.70	region
وادي المسيني	Wadi al-Masini	YEM	Hadhramaut	14.75	49.00	region
جبل سنجار	Sinjar Mountains	IRQ	Nineveh	36.37	41.80	region
سهل نينوى	Nineveh Plains	IRQ	Nineveh	36.40	43.40	region
إقليم كردستان|كردستان العراق|إقليم كردستان العراق|كردستان	Kurdistan Region	IRQ	Kurdistan Region	36.20	44.00	province
حزام بغداد	Baghdad Belt	IRQ	Baghdad	33.30	44.40	region
صحراء الأنبار	Anbar Desert	IRQ	Al Anbar	33.00	41.50	region
نهر الفرات|الفرات	Euphrates		34.50	40.80	river
نهر دجلة|دجلة	Tigris		33.50	44.30	river
نهر النيل|النيل	Nile		22.00	31.50	river
نهر النيل الأزرق	Blue Nile (river)		12.50	34.50	river
نهر الأردن	Jordan River		32.00	35.55	river
نهر الليطاني|الليطاني	Litani River	LBN		33.33	35.40	river
دارفور|إقليم دارفور	Darfur	SDN		13.50	24.00	region
كردفان	Kordofan	SDN		12.50	29.50	region
جبال النوبة	Nuba Mountains	SDN	South Kordofan	11.50	30.50	region
أبيي|منطقة أبيي	Abyei	SDN		9.60	28.44	region
حلايب|مثلث حلايب	Halaib Triangle	EGY		22.20	35.60	region
شمال أفريقيا|شمال إفريقيا	North Africa		28.0	10.0	region
أفريقيا|إفريقيا|القارة الأفريقية	Africa		5.0	20.0	region
شرق أفريقيا|شرق إفريقيا	East Africa		2.0	38.0	region
غرب أفريقيا|غرب إفريقيا	West Africa		12.0	-2.0	region
القرن الأفريقي|القرن الإفريقي	Horn of Africa		8.0	45.0	region
منطقة الساحل|الساحل الأفريقي	Sahel		15.0	5.0	region
المغرب العربي	Maghreb		31.0	3.0	region
أوروبا|القارة الأوروبية	Europe		50.0	10.0	region
أوروبا الشرقية	Eastern Europe		50.0	28.0	region
أوروبا الغربية	Western Europe		48.0	5.0	region
آسيا|القارة الآسيوية	Asia		35.0	90.0	region
آسيا الوسطى	Central Asia		42.0	63.0	region
أمريكا اللاتينية|أميركا اللاتينية	Latin America		-10.0	-60.0	region
أمريكا الجنوبية|أميركا الجنوبية	South America		-15.0	-60.0	region
أمريكا الشمالية|أميركا الشمالية	North America		45.0	-100.0	region
البلقان	Balkans		43.0	21.0	region
القوقاز	Caucasus		42.5	44.5	region
شبه جزيرة القرم|القرم	Crimea	UKR	Crimea	45.0	34.1	region
دونباس|إقليم دونباس	Donbas	UKR	Donetsk	48.0	38.5	region
كشمير	Kashmir		34.0	76.0	region
الصحراء الغربية	Western Sahara	ESH		24.5	-13.0	region
الهلال النفطي	Oil Crescent	LBY		30.60	18.50	region
برقة|إقليم برقة	Cyrenaica	LBY		31.00	22.00	region
فزان|إقليم فزان	Fezzan	LBY		26.00	14.00	region
جنوب لبنان|الجنوب اللبناني	South Lebanon	LBN		33.27	35.40	region
الضاحية الجنوبية|الضاحية الجنوبية لبيروت	Dahieh	LBN	Mount Lebanon	33.85	35.51	city
سهل البقاع	Beqaa Valley	LBN	Beqaa	33.85	36.00	region
الجليل	Galilee	ISR		32.90	35.40	region
النقب|صحراء النقب	Negev	ISR		30.80	34.80	region
غلاف غزة	Gaza envelope	ISR		31.40	34.50	region
وادي الأردن|غور الأردن	Jordan Valley	PSE		32.00	35.50	region
شط العرب	Shatt al-Arab	IRQ	Basra	30.40	48.10	river
الأهواز|الأحواز|عربستان	Khuzestan	IRN	Khuzestan	31.30	48.70	province
بلوشستان	Baluchistan	PAK		28.50	65.00	region
"""

# Function words: a "name" that starts with one is a mistranslation (في التحالف، على).
FUNCTION_WORDS = set(normalize(w) for w in """
في من إلى الى على عن مع منذ حتى أن إن لا ما لم لن قد هل هو هي هم هذا هذه ذلك تلك التي الذي
الذين بين بعد قبل عند ضد حول خلال دون غير كل بعض أي او أو ثم لكن بل كان كانت يكون قال تم
""".split())


def is_arabic(s: str) -> bool:
    return bool(s) and not NON_ARABIC.search(s) and bool(ARABIC_WORD.match(normalize(s)))


def variants(name: str, feature: str = "province") -> list[str]:
    """The name and, for provinces and districts, its bare form without a feature prefix
    (محافظة الأنبار -> الأنبار); city names keep theirs (مدينة حمد is not حمد)."""
    name = re.sub(r"\s+", " ", name.strip())
    out = [name]
    if feature not in ("province", "district"):
        return out
    for p in FEATURE_PREFIXES:
        if name.startswith(p + " ") and len(name) > len(p) + 2:
            out.append(name[len(p) + 1:])
    return out


class Builder:
    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        self.rows: dict[str, list[dict]] = defaultdict(list)  # file -> rows

    def weak(self, name: str, feature: str, pop: int, flags: str) -> bool:
        n = normalize(name)
        toks = n.split()
        if len(toks) > 1:
            return n in COMMON_WORDS
        bare = n[2:] if n.startswith("ال") and len(n) > 4 else n
        if n in COMMON_WORDS:  # the matcher never lets a bare name match a word with ال
            return True
        if feature == "country" or "capital" in flags or "curated" in flags:
            return False
        if len(bare) < MIN_STRONG_LEN:
            return True
        freq = max(self.vocab.get(n), self.vocab.get(bare) if bare != n else 0)
        # an ordinary word that names a small or unsized place (dr5hn cities carry no size)
        if freq >= FREQ_WEAK and pop < POP_STRONG and feature != "province":
            return True
        return False

    def add(self, file: str, *, id: str, feature: str, name_en: str, name_ar: str, names,
            country: str, admin1: str = "", admin2: str = "", lat=None, lon=None, population=0,
            geonameid=None, gn_admin1: str = "", flags: str = "") -> None:
        seen: dict[str, str] = {}
        for nm in names:
            if not nm or not is_arabic(nm):
                continue
            for v in variants(nm, feature):
                key = normalize(v)
                if key.split()[0] in FUNCTION_WORDS:
                    continue
                if key in seen:
                    continue
                seen[key] = ("*" if self.weak(v, feature, population or 0, flags) else "") + v
        if not seen:
            return
        self.rows[file].append({
            "id": id, "feature": feature, "name_en": name_en, "name_ar": name_ar or next(iter(seen.values())).lstrip("*"),
            "names": "|".join(seen.values()), "country": country or "", "admin1": admin1 or "",
            "admin2": admin2 or "", "lat": "" if lat is None else f"{float(lat):.4f}",
            "lon": "" if lon is None else f"{float(lon):.4f}", "population": str(int(population or 0)),
            "geonameid": "" if geonameid is None else str(geonameid), "gn_admin1": gn_admin1 or "",
            "flags": flags,
        })

    def write(self, out: Path) -> dict[str, int]:
        counts = {}
        for file, rows in self.rows.items():
            rows.sort(key=lambda r: r["id"])
            path = out / file
            # mtime=0 keeps the gzip bytes deterministic
            with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
                gz.write(("\t".join(COLUMNS) + "\n").encode())
                for r in rows:
                    gz.write(("\t".join(r[c].replace("\t", " ") for c in COLUMNS) + "\n").encode())
            counts[file] = len(rows)
        return counts


def km(lat1, lon1, lat2, lon2) -> float:
    p = math.pi / 180
    a = (math.sin((lat2 - lat1) * p / 2) ** 2
         + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2)
    return 12742 * math.asin(math.sqrt(a))


IRAQ_PROVINCE_EN = {  # iraq_admin_names spellings -> dr5hn's English names
    "anbar": "Al Anbar", "al anbar": "Al Anbar", "babil": "Babylon", "babylon": "Babylon",
    "thi qar": "Dhi Qar", "dhi qar": "Dhi Qar", "qadisiyyah": "Al-Qādisiyyah",
    "salah al-din": "Saladin", "saladin": "Saladin", "duhok": "Dohuk", "dohuk": "Dohuk",
    "muthanna": "Al Muthanna", "halabja": "Halabja",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default=str(OUT), help="output folder (default: marsad/resources)")
    a = ap.parse_args()
    src = Path(a.shared) / "data" / "gazetteer"
    b = Builder(Vocabulary.default())

    # -- countries (mledoze) -----------------------------------------------------------
    countries = json.loads((src / "countries_mledoze.json").read_text(encoding="utf-8"))
    iso2to3 = {c["cca2"]: c["cca3"] for c in countries}
    cname = {}
    for c in countries:
        t = c.get("translations", {}).get("ara", {})
        names = [t.get("common", ""), t.get("official", "")]
        lat, lon = (c.get("latlng") or [None, None])[:2]
        cname[c["cca3"]] = c["name"]["common"]
        b.add("gazetteer_countries.tsv.gz", id=f"c:{c['cca3']}", feature="country",
              name_en=c["name"]["common"], name_ar=t.get("common", ""), names=names,
              country=c["cca3"], lat=lat, lon=lon, population=0)
    for iso3, vs in COUNTRY_VARIANTS.items():
        b.add("gazetteer_curated.tsv.gz", id=f"c:{iso3}", feature="country", name_en=cname.get(iso3, ""),
              name_ar="", names=vs.split("|"), country=iso3)

    # -- dr5hn states and cities -----------------------------------------------------------
    states: dict[tuple[str, str], dict] = {}
    dr_cities = []
    with open(src / "arab_region_gazetteer.tsv", encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            iso3 = iso2to3.get(r["country_code"], "")
            r["iso3"] = iso3
            if r["level"] == "state":
                states[(r["country_code"], r["state_code"])] = r
            else:
                dr_cities.append(r)

    # -- GeoNames places ---------------------------------------------------------------
    gn = []
    with open(src / "cities500_mena.tsv", encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            r["population"] = int(r["population"] or 0)
            r["lat"], r["lon"] = float(r["lat"]), float(r["lon"])
            gn.append(r)

    # GeoNames admin1 codes -> dr5hn state: majority vote of the dr5hn cities within 15 km of
    # GeoNames places carrying that code (the codes are consistent within a country).
    grid: dict[tuple[str, int, int], list] = defaultdict(list)
    for c in dr_cities:
        try:
            la, lo = float(c["lat"]), float(c["lon"])
        except ValueError:
            continue
        grid[(c["country_code"], int(la * 5), int(lo * 5))].append((la, lo, c["state_code"]))
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in gn:
        la, lo = r["lat"], r["lon"]
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for cla, clo, sc in grid.get((r["country_code"], int(la * 5) + dx, int(lo * 5) + dy), ()):
                    if km(la, lo, cla, clo) < 15:
                        votes[(r["country_code"], r["admin1code"])][sc] += 1
    gn_state: dict[tuple[str, str], str] = {}
    state_gn: dict[tuple[str, str], str] = {}
    for key, cnt in sorted(votes.items()):
        sc, n = cnt.most_common(1)[0]
        if n >= 2 and (key[0], sc) in states:
            gn_state[key] = sc
            state_gn.setdefault((key[0], sc), key[1])

    for (cc, sc), r in sorted(states.items()):
        b.add("gazetteer_dr5hn.tsv.gz", id=f"s:{r['id']}", feature="province", name_en=r["name_en"],
              name_ar=r["name_ar"], names=[r["name_ar"], r["native"]], country=r["iso3"],
              admin1=r["name_en"], lat=r["lat"] or None, lon=r["lon"] or None,
              gn_admin1=state_gn.get((cc, sc), ""), flags="region" if r["type"] == "region" else "")
    for r in dr_cities:
        if r["country_code"] in ("TR", "IR"):
            continue  # machine-translated Arabic names (تعذيب، محاصرة، خوف…): unusable
        st = states.get((r["country_code"], r["state_code"]))
        flags = "capital" if r["type"] == "capital" else ""
        b.add("gazetteer_dr5hn.tsv.gz", id=f"t:{r['id']}", feature="city", name_en=r["name_en"],
              name_ar=r["name_ar"], names=[r["name_ar"], r["native"]], country=r["iso3"],
              admin1=st["name_en"] if st else "", lat=r["lat"] or None, lon=r["lon"] or None, flags=flags)

    for r in gn:
        cc = r["country_code"]
        # Turkish and Iranian villages carry Ottoman/Persian spellings that collide with Arabic
        # words; Arabic news names only their larger towns.
        if cc in ("TR", "IR") and r["population"] < 50_000:
            continue
        names = [n for n in r["arabic_script_names"].split("|") if n]
        b.add("gazetteer_geonames.tsv.gz", id=f"g:{r['geonameid']}", feature="city", name_en=r["name"],
              name_ar="", names=names, country=iso2to3.get(cc, ""), lat=r["lat"], lon=r["lon"],
              population=r["population"], geonameid=int(r["geonameid"]), gn_admin1=r["admin1code"])

    # -- Iraq admin (MIT) ----------------------------------------------------------------
    iq_states = {s["name_en"].lower(): s for (cc, _), s in states.items() if cc == "IQ"}
    gn_iq = defaultdict(list)
    for r in gn:
        if r["country_code"] == "IQ":
            for n in r["arabic_script_names"].split("|"):
                gn_iq[normalize(n)].append(r)
    iq = json.loads((src / "iraq_admin_names.json").read_text(encoding="utf-8"))
    for p in iq["provinces"]:
        pen = IRAQ_PROVINCE_EN.get(p["engName"].lower(), p["engName"])
        st = iq_states.get(pen.lower())
        plat, plon = (float(st["lat"]), float(st["lon"])) if st else (None, None)
        for d in p.get("districts", []):
            dnames = variants(d["arbName"])
            den = re.sub(r"\s+District$", "", d["engName"])
            hit = next((g for n in dnames for g in gn_iq.get(normalize(n), [])), None)
            lat, lon = (hit["lat"], hit["lon"]) if hit else (plat, plon)
            did = f"iq:{normalize(pen)}:{normalize(dnames[-1])}".replace(" ", "_")
            b.add("gazetteer_iraq.tsv.gz", id=did, feature="district", name_en=den,
                  name_ar=dnames[-1], names=[d["arbName"]], country="IRQ", admin1=pen, admin2=den,
                  lat=lat, lon=lon, flags="" if hit else "approx")
            for sd in d.get("subdistricts", []):
                snames = variants(sd["arbName"])
                shit = next((g for n in snames for g in gn_iq.get(normalize(n), [])), None)
                slat, slon = (shit["lat"], shit["lon"]) if shit else (lat, lon)
                b.add("gazetteer_iraq.tsv.gz", id=f"{did}:{normalize(snames[-1])}".replace(" ", "_"),
                      feature="district", name_en=sd["engName"], name_ar=snames[-1],
                      names=[sd["arbName"]], country="IRQ", admin1=pen, admin2=den,
                      lat=slat, lon=slon, flags="subdistrict" + ("" if shit else ",approx"))

    # -- curated world cities and regions ----------------------------------------------
    seen_ids = set()
    for line in WORLD_CITIES.strip().splitlines():
        names, en, iso3, lat, lon, pop, flags = line.split("\t")
        cid = f"w:{iso3}:{en.replace(' ', '_')}"
        if cid in seen_ids:
            continue
        seen_ids.add(cid)
        b.add("gazetteer_curated.tsv.gz", id=cid, feature="city", name_en=en, name_ar=names.split("|")[0],
              names=names.split("|"), country=iso3, lat=float(lat), lon=float(lon),
              population=int(pop), flags=(flags + ",curated").strip(","))
    for line in REGIONS.strip().splitlines():
        names, en, iso3, *rest = line.split("\t")
        if len(rest) == 4:
            admin1, lat, lon, kind = rest
        else:
            admin1, (lat, lon, kind) = "", rest
        feature = {"province": "province", "city": "city", "site": "site"}.get(kind, "region")
        b.add("gazetteer_curated.tsv.gz", id=f"r:{en.replace(' ', '_')}", feature=feature, name_en=en,
              name_ar=names.split("|")[0], names=names.split("|"), country=iso3, admin1=admin1,
              lat=float(lat), lon=float(lon), population=0, flags=f"{kind},curated")

    counts = b.write(Path(a.out))
    for k, v in sorted(counts.items()):
        print(f"{k}: {v} rows")


if __name__ == "__main__":
    main()
