"""Localized text, the one type for it: Finnish always, Swedish and English where given.
Rule texts (questions, labels, instructions) and catalog names are all `Text`."""

from __future__ import annotations

from pydantic import Field, StrictStr

from triage.messages import Locale
from triage.strict import Strict


class Text(Strict):
    fi: StrictStr = Field(min_length=1)
    sv: StrictStr | None = None
    en: StrictStr | None = None

    def get(self, locale: Locale) -> str:
        """The text in `locale`; the Finnish one where that translation is missing or empty."""
        return getattr(self, locale, None) or self.fi
