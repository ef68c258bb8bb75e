"""Arabic text layer: normalisation with offset maps, sentences, tokens, clitic segments."""
from marsad.text.doc import Doc, Sentence, Token, analyse_text
from marsad.text.normalize import normalize, normalize_with_map

__all__ = ["Doc", "Sentence", "Token", "analyse_text", "normalize", "normalize_with_map"]
