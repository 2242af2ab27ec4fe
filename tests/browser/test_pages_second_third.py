"""The second third of the built pages opened at a phone's width: the checks of ``test_pages.py``.

A file of its own so that ``make test``'s workers (one test file each at a time) check the
parts of the ~190 built pages at once.
"""

from __future__ import annotations

import pytest

from .test_pages import PAGE_PARTS, phone_problems

pytestmark = pytest.mark.browser


def test_the_second_third_of_the_built_pages_works_on_a_phone(chromium, axe_script, reports_dir):
    assert phone_problems(chromium, reports_dir, axe_script, part=1, parts=PAGE_PARTS) == []
