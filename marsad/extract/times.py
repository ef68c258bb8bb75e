"""times extractor (placeholder until its first version lands)."""


def extract_times(doc):
    return []
