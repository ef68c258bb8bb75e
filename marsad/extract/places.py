"""places extractor (placeholder until its first version lands)."""


def extract_places(doc, entities):
    return []
