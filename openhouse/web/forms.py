"""Forms parse and bound the raw input; the rules live in the services, whose Invalid errors land here."""

from django import forms
from django.conf import settings

from openhouse.accounts.models import (
    BIO_MAX,
    DISPLAY_NAME_MAX,
    HANDLE_MAX,
    LINK_MAX,
    ROLE_LABEL_MAX,
    Membership,
)
from openhouse.accounts.twofactor import CODE_INPUT_MAX
from openhouse.core.errors import Invalid
from openhouse.media.models import ALT_TEXT_MAX
from openhouse.posts.models import CAPTION_MAX
from openhouse.qa.models import PER_PERSON_MAX


def add_invalid(form: forms.Form, exc: Invalid) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=CODE_INPUT_MAX,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class SignUpForm(forms.Form):
    email = forms.CharField(
        label="E-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    display_name = forms.CharField(label="Name", max_length=DISPLAY_NAME_MAX * 2, required=False)
    handle = forms.CharField(
        label="Handle",
        required=False,
        max_length=HANDLE_MAX * 4,
        help_text="Up to 30 letters a-z, digits, full stops and underscores.",
        widget=forms.TextInput(
            attrs={"autocapitalize": "none", "autocomplete": "username", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label="Password", max_length=256, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(label="Name", max_length=DISPLAY_NAME_MAX * 2, required=False)
    bio = forms.CharField(
        label="Bio", max_length=BIO_MAX * 2, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    link = forms.CharField(label="Link", max_length=LINK_MAX * 2, required=False, widget=forms.URLInput())
    is_private = forms.BooleanField(
        label="Private account", required=False, help_text="Only people you approve see your posts."
    )
    avatar = forms.FileField(
        label="Profile photo", required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )
    remove_avatar = forms.BooleanField(label="Remove profile photo", required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.Field):
    """Several files as they came; openhouse.media checks each (Django's FileField takes one, non-empty)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: object) -> list:
        return list(value) if isinstance(value, list | tuple) else ([value] if value else [])


class UploadForm(forms.Form):
    photos = PhotosField(
        label="Photos",
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif"}),
        help_text="Up to 10 photos: JPEG, PNG, WebP or HEIC, 30 MB each.",
    )


def add_photo_fields(form: forms.Form, items: list) -> None:
    """Per photo of a post being composed or a draft: its alt text (`alt_<pk>`) and position (`order_<pk>`)."""
    for number, item in enumerate(items, start=1):
        form.fields[f"alt_{item.pk}"] = forms.CharField(
            label=f"Alt text for photo {number}",
            max_length=ALT_TEXT_MAX * 2,
            required=False,
            initial=item.alt_text,
            widget=forms.Textarea(
                attrs={"rows": 2, "placeholder": "Describe this photo for people who can't see it"}
            ),
        )
        form.fields[f"order_{item.pk}"] = forms.IntegerField(
            label=f"Position of photo {number}", min_value=1, max_value=len(items), initial=number
        )


class ComposeForm(forms.Form):
    caption = forms.CharField(
        label="Caption", max_length=CAPTION_MAX * 2, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, items: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        add_photo_fields(self, items)

    @property
    def rows(self) -> list[tuple]:
        return [(item, self[f"alt_{item.pk}"], self[f"order_{item.pk}"]) for item in self.items]

    def ordered_ids_and_alts(self) -> tuple[list[int], list[str]]:
        rows = sorted(
            enumerate(self.items),
            key=lambda pair: (self.cleaned_data[f"order_{pair[1].pk}"], pair[0]),
        )
        return [item.pk for _, item in rows], [self.cleaned_data[f"alt_{item.pk}"] for _, item in rows]


class QASessionForm(forms.Form):
    title = forms.CharField(label="Title", max_length=240)
    intro = forms.CharField(
        label="Introduction",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What people can ask about, and who will answer (by role, never by name).",
    )
    opens_at = forms.DateTimeField(
        label="Opens at (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    closes_at = forms.DateTimeField(
        label="Closes at (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    questions_per_person = forms.IntegerField(
        label="Questions per person", min_value=1, max_value=PER_PERSON_MAX, required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The site's default (OPENHOUSE_QA_QUESTIONS_PER_PERSON), read when the form is made.
        self.fields["questions_per_person"].initial = settings.QA_QUESTIONS_PER_PERSON


class QuestionForm(forms.Form):
    body = forms.CharField(
        label="Your question",
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300, "placeholder": "Ask the team something…"}),
        help_text="Up to 300 characters. Questions are read by a moderator before they appear.",
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Answer", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    role_label = forms.ChoiceField(label="Answer as", choices=())

    def __init__(self, *args, labels: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role_label"].choices = [(name, name) for name in labels]


class ListingForm(forms.Form):
    title = forms.CharField(label="Job title", max_length=200)
    team = forms.CharField(label="Team", max_length=120)
    region = forms.CharField(label="Region", max_length=120)
    closes_on = forms.DateField(label="Closing date", widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(label="Summary", max_length=1200, widget=forms.Textarea(attrs={"rows": 4}))
    apply_url = forms.CharField(
        label="Apply link",
        max_length=600,
        widget=forms.URLInput(),
        help_text="The page on your own site, https:// only.",
    )


class ProfileSettingsForm(forms.Form):
    careers_url = forms.CharField(
        label="Careers site",
        max_length=600,
        required=False,
        widget=forms.URLInput(),
        help_text="Where the Apply button leads (https://).",
    )
    secure_channel_url = forms.CharField(
        label="Official secure channel",
        max_length=600,
        required=False,
        widget=forms.URLInput(),
        help_text="Where 'Report something' sends people (https://). Nothing reported goes through openhouse.",
    )
    colour_background = forms.CharField(
        label="Card background", max_length=7, widget=forms.TextInput(attrs={"type": "color"})
    )
    colour_text = forms.CharField(
        label="Card text", max_length=7, widget=forms.TextInput(attrs={"type": "color"})
    )
    colour_accent = forms.CharField(
        label="Card accent", max_length=7, widget=forms.TextInput(attrs={"type": "color"})
    )


class MythCardForm(forms.Form):
    myth = forms.CharField(
        label="Myth",
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 140}),
        help_text="What people wrongly believe, up to 140 characters.",
    )
    reality = forms.CharField(
        label="Reality",
        max_length=800,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 280}),
        help_text="What is true, up to 280 characters.",
    )


class HighlightForm(forms.Form):
    title = forms.CharField(label="Name", max_length=60, required=False)
    cover = forms.FileField(
        label="Cover",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text="A square photo works best. Without one, the first post's photo is used.",
    )


class RolesField(forms.MultipleChoiceField):
    """Roles as checkboxes; an empty choice reaches the service, which says what is missing."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            choices=Membership.Role.choices, widget=forms.CheckboxSelectMultiple, required=False, **kwargs
        )


class InviteForm(forms.Form):
    roles = RolesField(label="Roles")
    email = forms.CharField(
        label="E-mail (optional)",
        max_length=254,
        required=False,
        help_text="Leave empty to get a link to pass on yourself. With an address, we e-mail the link and "
        "only the account using that address can accept it.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "placeholder": "name@example.org"}),
    )


class RolesForm(forms.Form):
    roles = RolesField(label="Roles")


class RoleLabelForm(forms.Form):
    name = forms.CharField(
        label="Label",
        max_length=ROLE_LABEL_MAX * 2,
        error_messages={"required": "Give the role label a name."},
    )
