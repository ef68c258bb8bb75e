"""quotes extractor (placeholder until its first version lands)."""


def extract_quotes(doc, layers):
    return []
