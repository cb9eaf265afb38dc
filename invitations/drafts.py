"""The wizard's draft: what the accountant has filled in so far, kept in their session.

Step 2 lists thousands of clients over many pages and searches; every move between them
posts the visible rows here first, so that filled rows survive paging and searching.
A draft belongs to one run of the wizard, named by its submission key (also the
``InvitationBatch.submission_key`` that makes the final submit idempotent), so two tabs
with two runs do not mix. The session keeps the newest few drafts only.
"""

import uuid

from accounts.models import Language

SESSION_KEY = "invitation_wizard_drafts"
KEEP_DRAFTS = 5
# Bounds what one session can hold, whatever is posted.
MAX_DRAFT_ROWS = 500
MAX_LENGTHS = {"full_name": 150, "email": 254, "mobile": 40, "username": 150}
# Not in MAX_LENGTHS: a language is always posted, so it does not make a row filled.
# Longer than any language code, so that a tampered value is refused, not cut to a valid one.
MAX_LANGUAGE_LENGTH = 10
# Choosing another language than this one is typing too: the choice survives paging.
DEFAULT_LANGUAGE = Language.SWEDISH


class WizardDraft:
    def __init__(self, session, key: uuid.UUID, data: dict):
        self._session = session
        self.key = key
        self.kind: str = data["kind"]
        self.rows: dict[int, dict] = {int(k): v for k, v in data.get("rows", {}).items()}
        self.selected: list[int] = list(data.get("selected", []))

    @classmethod
    def start(cls, session, *, kind: str) -> "WizardDraft":
        draft = cls(session, uuid.uuid4(), {"kind": kind})
        draft.save()
        return draft

    @classmethod
    def load(cls, session, key: uuid.UUID, *, kind: str) -> "WizardDraft | None":
        data = session.get(SESSION_KEY, {}).get(str(key))
        if data is None or data.get("kind") != kind:
            return None
        return cls(session, key, data)

    def save(self) -> None:
        drafts = dict(self._session.get(SESSION_KEY, {}))
        drafts.pop(str(self.key), None)
        drafts[str(self.key)] = {
            "kind": self.kind,
            "rows": {str(k): v for k, v in self.rows.items()},
            "selected": self.selected,
        }
        # Dicts keep insertion order: the oldest drafts go first.
        self._session[SESSION_KEY] = dict(list(drafts.items())[-KEEP_DRAFTS:])

    def discard(self) -> None:
        drafts = dict(self._session.get(SESSION_KEY, {}))
        drafts.pop(str(self.key), None)
        self._session[SESSION_KEY] = drafts

    # --- New users -----------------------------------------------------------------------

    @property
    def marked_ids(self) -> list[int]:
        return [client_id for client_id, values in self.rows.items() if values.get("marked")]

    def update_rows(self, posted: dict[int, dict]) -> None:
        """Takes the rows of one page as posted; an untouched, unmarked row is dropped."""
        for client_id, values in posted.items():
            filled = any(values.get(field) for field in MAX_LENGTHS) or values.get(
                "language", DEFAULT_LANGUAGE
            ) not in ("", DEFAULT_LANGUAGE)
            if not filled and not values.get("marked"):
                self.rows.pop(client_id, None)
            elif client_id in self.rows or len(self.rows) < MAX_DRAFT_ROWS:
                self.rows[client_id] = values

    # --- Existing users ------------------------------------------------------------------

    def update_selection(self, *, visible: list[int], checked: list[int]) -> None:
        """Takes the checkboxes of one page: the visible users are selected or not as posted."""
        checked_set = set(checked) & set(visible)
        visible_set = set(visible)
        kept = [user_id for user_id in self.selected if user_id not in visible_set]
        self.selected = (kept + [u for u in visible if u in checked_set])[:MAX_DRAFT_ROWS]
