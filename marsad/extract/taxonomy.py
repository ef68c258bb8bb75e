"""PLOVER event taxonomy (spec/TAXONOMY.md): the 16 types, their modes, contexts, and the
CAMEO root codes and ACLED event types each type/mode maps to, so records speak all three.
"""
from __future__ import annotations

# type -> allowed modes (empty: the type takes no mode)
MODES: dict[str, tuple[str, ...]] = {
    "AGREE": (),
    "CONSULT": ("visit", "multilateral", "phone"),
    "SUPPORT": (),
    "CONCEDE": (),
    "COOPERATE": (),
    "AID": (),
    "RETREAT": ("withdraw", "release", "disarm", "ceasefire", "access", "resign"),
    "REQUEST": ("assist", "change", "yield", "meet"),
    "ACCUSE": ("disapprove", "investigate", "allege"),
    "REJECT": ("assist", "change", "yield", "meet"),
    "THREATEN": ("restrict", "arrest", "relations", "expel", "territory", "violence"),
    "PROTEST": ("demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"),
    "SANCTION": ("convict", "expel", "withdraw", "discontinue"),
    "MOBILIZE": ("troops", "weapons", "police", "militia"),
    "COERCE": ("seize", "restrict", "censor", "curfew", "arrest", "deport", "withhold",
               "misinformation", "cyber"),
    "ASSAULT": ("abduct", "beat", "torture", "sexual", "targeted", "destroy", "primitive",
                "firearms", "explosives", "aerial", "drone", "unconventional"),
}
TYPES: tuple[str, ...] = tuple(MODES)

QUAD: dict[str, str] = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), "verbal cooperation"),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), "material cooperation"),
    **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "THREATEN"), "verbal conflict"),
    **dict.fromkeys(("PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"), "material conflict"),
}

CONTEXTS: tuple[str, ...] = (
    "military", "political", "election", "legislative", "executive", "diplomatic", "economic",
    "terrorism", "repression", "territory", "refugees/migration", "humanitarian", "health",
    "religion", "ethnicity", "crime", "corruption", "cyber", "misinformation", "human rights",
    "judicial", "energy",
)

# CAMEO root code per type (TAXONOMY.md's table); (type, mode) refines where a type spans roots.
CAMEO_ROOT: dict[str, str] = {
    "AGREE": "03", "CONSULT": "04", "SUPPORT": "05", "CONCEDE": "08", "COOPERATE": "06",
    "AID": "07", "RETREAT": "08", "REQUEST": "10", "ACCUSE": "11", "REJECT": "12",
    "THREATEN": "13", "PROTEST": "14", "SANCTION": "16", "MOBILIZE": "15", "COERCE": "17",
    "ASSAULT": "19",
}
CAMEO_ROOT_BY_MODE: dict[tuple[str, str], str] = {
    # CAMEO 18 "assault" covers one-sided violence; 19 "fight" armed combat; 20 mass violence
    ("ASSAULT", "abduct"): "18", ("ASSAULT", "beat"): "18", ("ASSAULT", "torture"): "18",
    ("ASSAULT", "sexual"): "18", ("ASSAULT", "targeted"): "18", ("ASSAULT", "primitive"): "18",
    ("ASSAULT", "explosives"): "18", ("ASSAULT", "unconventional"): "20",
    ("ASSAULT", "firearms"): "19", ("ASSAULT", "aerial"): "19", ("ASSAULT", "drone"): "19",
    ("ASSAULT", "destroy"): "19",
    ("ACCUSE", "investigate"): "09",
}

# ACLED event type per type, refined by mode; None where ACLED has no counterpart.
ACLED: dict[str, str | None] = {
    "AGREE": "Strategic developments", "RETREAT": "Strategic developments",
    "MOBILIZE": "Strategic developments", "COERCE": "Strategic developments",
    "PROTEST": "Protests", "ASSAULT": "Battles",
}
ACLED_BY_MODE: dict[tuple[str, str], str] = {
    ("PROTEST", "riot"): "Riots", ("PROTEST", "vandalize"): "Riots",
    ("ASSAULT", "aerial"): "Explosions/Remote violence",
    ("ASSAULT", "drone"): "Explosions/Remote violence",
    ("ASSAULT", "explosives"): "Explosions/Remote violence",
    ("ASSAULT", "unconventional"): "Explosions/Remote violence",
    ("ASSAULT", "firearms"): "Battles",
    ("ASSAULT", "abduct"): "Violence against civilians",
    ("ASSAULT", "torture"): "Violence against civilians",
    ("ASSAULT", "sexual"): "Violence against civilians",
    ("ASSAULT", "beat"): "Violence against civilians",
    ("ASSAULT", "targeted"): "Violence against civilians",
    ("ASSAULT", "primitive"): "Violence against civilians",
    ("ASSAULT", "destroy"): "Strategic developments",
}


def valid_mode(event_type: str, mode: str | None) -> str | None:
    """`mode` when the type allows it, else None (so records never carry a foreign mode)."""
    return mode if mode and mode in MODES.get(event_type, ()) else None


def cameo_root(event_type: str, mode: str | None = None) -> str | None:
    if mode and (event_type, mode) in CAMEO_ROOT_BY_MODE:
        return CAMEO_ROOT_BY_MODE[(event_type, mode)]
    return CAMEO_ROOT.get(event_type)


def acled_type(event_type: str, mode: str | None = None) -> str | None:
    if mode and (event_type, mode) in ACLED_BY_MODE:
        return ACLED_BY_MODE[(event_type, mode)]
    return ACLED.get(event_type)
