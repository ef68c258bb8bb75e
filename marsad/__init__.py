"""Marsad (مرصد): Arabic news to structured political-event data."""
__version__ = "0.1.0"


def analyse(article):
    """Analyse one `marsad.types.Article` into a `marsad.types.Record`."""
    from marsad.pipeline import analyse as _analyse
    return _analyse(article)
