"""Every built Hindi page opened at a phone's width: the checks of ``test_pages.py``, on the other half of the pages.

A file of its own so that ``make test``'s workers (one test file each at a time) check the two
halves of the ~190 built pages at once.
"""

from __future__ import annotations

import pytest

from .test_pages import phone_problems

pytestmark = pytest.mark.browser


def test_every_built_hindi_page_works_on_a_phone(chromium, axe_script, reports_dir):
    assert phone_problems(chromium, reports_dir, axe_script, hindi=True) == []
