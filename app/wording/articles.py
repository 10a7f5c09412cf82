"""The indefinite article before a code read letter by letter: "an INR wallet", "a USD wallet"."""

from __future__ import annotations

# Letters whose spoken name starts with a vowel sound: A (ay), E (ee), F (ef), H (aitch), I (eye),
# L (el), M (em), N (en), O (oh), R (ar), S (es), X (ex). U ("you") and the rest take "a".
_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")


def article_for_code(code: str) -> str:
    """``"an"`` for INR, EUR, NGN, NOK, MXN, SEK; ``"a"`` for USD, KES, GBP, UGX (and an empty code)."""
    first = code.strip()[:1].upper()
    return "an" if first in _VOWEL_SOUND_LETTERS else "a"
