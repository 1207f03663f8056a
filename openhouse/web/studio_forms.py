"""Forms of the organisation studio. They parse and bound input; the rules live in openhouse.publishing."""

from datetime import UTC, datetime

from django import forms

from openhouse.posts.models import CAPTION_MAX
from openhouse.publishing.models import REASONS_MAX, WATCH_PATTERN_MAX
from openhouse.web.forms import add_photo_fields


class DraftForm(forms.Form):
    """Caption, role label, and per photo: alt text, position, and whether to remove it."""

    caption = forms.CharField(
        label="Caption", max_length=CAPTION_MAX * 2, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    role_label = forms.TypedChoiceField(label="Posted under", coerce=int, empty_value=None, required=False)

    def __init__(self, *args, items: list, labels: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        self.fields["role_label"].choices = [("", "The organisation only (no label)")] + [
            (label.pk, label.name) for label in labels
        ]
        self.fields[
            "role_label"
        ].help_text = "The public sees the organisation and this label, never who wrote the post."
        add_photo_fields(self, items)
        for number, item in enumerate(items, start=1):
            self.fields[f"remove_{item.pk}"] = forms.BooleanField(
                label=f"Remove photo {number}", required=False
            )

    @property
    def rows(self) -> list[tuple]:
        return [
            (item, self[f"alt_{item.pk}"], self[f"order_{item.pk}"], self[f"remove_{item.pk}"])
            for item in self.items
        ]

    def parsed(self) -> dict:
        """Keyword arguments for publishing.services.edit_draft."""
        data = self.cleaned_data
        kept = [(n, item) for n, item in enumerate(self.items) if not data[f"remove_{item.pk}"]]
        kept.sort(key=lambda pair: (data[f"order_{pair[1].pk}"], pair[0]))
        return {
            "caption": data["caption"],
            "role_label_id": data["role_label"],
            "media_ids": [item.pk for _, item in kept],
            "alt_texts": [data[f"alt_{item.pk}"] for _, item in kept],
            "remove_ids": [item.pk for item in self.items if data[f"remove_{item.pk}"]],
        }


class PublishAtField(forms.DateTimeField):
    """A date and time in UTC, as <input type="datetime-local"> sends it."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    def to_python(self, value: object) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


class ApproveForm(forms.Form):
    WHEN = [
        ("hold", "Approve only"),
        ("schedule", "Approve and schedule"),
        ("now", "Approve and publish now"),
    ]
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    when = forms.ChoiceField(label="Then", choices=WHEN, initial="hold", widget=forms.RadioSelect)
    publish_at = PublishAtField(label="Publish at (UTC)", required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("when") == "schedule" and not data.get("publish_at"):
            self.add_error("publish_at", "Choose when to publish.")
        return data


class RejectForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reasons = forms.CharField(
        label="What needs to change",
        max_length=REASONS_MAX * 2,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ScheduleForm(forms.Form):
    publish_at = PublishAtField(label="Publish at (UTC)")


class WatchEntryForm(forms.Form):
    pattern = forms.CharField(label="Word, phrase or expression", max_length=WATCH_PATTERN_MAX * 2)
    is_regex = forms.BooleanField(
        label="Regular expression",
        required=False,
        help_text="Matched without regard to case. Nested repetition and back-references are refused.",
    )


class ApprovalsForm(forms.Form):
    required_approvals = forms.IntegerField(label="Approvals each post needs", min_value=1, max_value=5)
