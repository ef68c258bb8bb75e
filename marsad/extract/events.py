"""events extractor (placeholder until its first version lands)."""


def extract_events(doc, layers):
    return []
