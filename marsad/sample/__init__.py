"""A small bundled sample of Arabic news (ANT corpus v2.1) for `marsad demo` and the tests."""
