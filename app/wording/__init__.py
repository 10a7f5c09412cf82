"""Validation errors in plain words, shared by every platform and the control API.

msgspec and Litestar describe a bad request in their own terms (``Expected `float`, got `str` -
at `$.amount` ``, ``Input data was truncated``, ``Number out of range``). This package turns
them into ``Problem``s that name the field and say what is wrong ("amount must be a number",
"from_account_id is required", "the body is not valid JSON (it ends too early)"); each platform
renders them in its own envelope, status code and field-path format.
"""

from app.wording.amounts import invalid_amount_message
from app.wording.articles import article_for_code
from app.wording.bodies import body_problem
from app.wording.http_errors import request_problems
from app.wording.problems import Problem, describe, from_msgspec, sentence, type_words

__all__ = [
    "Problem",
    "article_for_code",
    "body_problem",
    "describe",
    "from_msgspec",
    "invalid_amount_message",
    "request_problems",
    "sentence",
    "type_words",
]
