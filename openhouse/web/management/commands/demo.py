"""Load the demo: a verified organisation with its first post, a few public accounts and posts, an admin.

Idempotent: content is created once; running again only prints fresh logins. Every photo is drawn here,
every caption written for this demo.
"""

import datetime
import io
import math
import random
import secrets
from base64 import b32encode

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image, ImageDraw, ImageFilter

from openhouse.accounts import services as accounts
from openhouse.accounts import twofactor
from openhouse.accounts.models import Account, Membership, RoleLabel
from openhouse.careers import services as careers
from openhouse.media import services as media
from openhouse.posts import services as posts
from openhouse.posts.models import Post
from openhouse.publishing import services as publishing
from openhouse.publishing.models import WatchEntry
from openhouse.qa import services as qa
from openhouse.qa.models import Question
from openhouse.social import services as social

ORG = "mi5official"
ADMIN = "siteadmin"
# The organisation's team admin: logs in with a password and a code from an authenticator app.
TEAM_ADMIN = "mi5.comms"
ROLE_LABELS = [
    "Press office",
    "Surveillance officer",
    "Agent runner",
    "Analyst",
    "Archivist",
    "Recruitment team",
]
# Who writes and who reviews the organisations' posts in the studio (both with two-factor set up).
WRITER, REVIEWER = "desk.officer", "duty.reviewer"
PEOPLE = [
    ("priya.shots", "Priya Shah", "Street photography, mostly in the rain. Bristol."),
    ("tom_walks", "Tom Okafor", "Long walks, old buildings."),
    ("jo.archive", "Jo Llewellyn", "Archivist. I like boxes nobody has opened in 60 years."),
]


def _jpeg(image: Image.Image) -> SimpleUploadedFile:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    return SimpleUploadedFile("demo.jpg", buf.getvalue(), content_type="image/jpeg")


def _sky(w: int, h: int, top: tuple, bottom: tuple) -> Image.Image:
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    for y in range(h):
        t = y / h
        d.line([(0, y), (w, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    return img


def lobby_looking_up(seed: int) -> Image.Image:
    """Looking up through a glass roof: a sky, converging steel ribs, and the rounded pods at the edges."""
    rng = random.Random(seed)
    w, h = 1440, 1800
    img = _sky(w, h, (120, 170, 220), (210, 228, 245))
    d = ImageDraw.Draw(img)
    cx, cy = w / 2 + rng.randint(-80, 80), h * 0.42
    for k in range(28):
        a = 2 * math.pi * k / 28
        d.line([(cx, cy), (cx + 2400 * math.cos(a), cy + 2400 * math.sin(a))], fill=(70, 78, 92), width=9)
    for r in range(140, 2200, 170):
        d.ellipse([cx - r, cy - r * 0.8, cx + r, cy + r * 0.8], outline=(82, 90, 104), width=7)
    for side in (-1, 1):
        for n in range(4):
            px = cx + side * (520 + n * 90)
            py = 300 + n * 380
            d.rounded_rectangle(
                [px - 150, py, px + 150, py + 300],
                radius=120,
                fill=(228, 222, 210),
                outline=(150, 140, 125),
                width=6,
            )
            d.rounded_rectangle([px - 90, py + 70, px + 90, py + 200], radius=60, fill=(60, 70, 86))
    return img.filter(ImageFilter.GaussianBlur(1.2))


def landscape(seed: int, palette: tuple) -> Image.Image:
    rng = random.Random(seed)
    w, h = 1600, 1200
    img = _sky(w, h, palette[0], palette[1])
    d = ImageDraw.Draw(img)
    d.ellipse([w * 0.68, h * 0.14, w * 0.68 + 150, h * 0.14 + 150], fill=palette[2])
    for layer in range(4):
        base = h * (0.5 + layer * 0.12)
        shade = tuple(max(0, c - 35 * layer) for c in palette[3])
        ridge = [
            (x, base - rng.randint(0, 140) + 40 * math.sin(x / 200 + layer)) for x in range(0, w + 80, 80)
        ]
        pts = [(0, h), *ridge, (w, h)]
        d.polygon(pts, fill=shade)
    return img.filter(ImageFilter.GaussianBlur(0.8))


def archive_box(seed: int) -> Image.Image:
    rng = random.Random(seed)
    w = h = 1200
    img = Image.new("RGB", (w, h), (214, 200, 172))
    d = ImageDraw.Draw(img)
    for _ in range(7):
        x, y = rng.randint(60, 700), rng.randint(60, 700)
        d.rectangle(
            [x, y, x + rng.randint(260, 420), y + rng.randint(180, 380)],
            fill=(238, 230, 208),
            outline=(140, 120, 90),
            width=4,
        )
        for line in range(6):
            d.line([(x + 24, y + 36 + line * 26), (x + 200, y + 36 + line * 26)], fill=(90, 80, 70), width=3)
    d.rectangle([420, 520, 780, 600], fill=(150, 30, 30))
    return img


def _enrol(account: Account) -> None:
    """Set up an authenticator app for a demo account, as its owner would on the security page."""
    device = twofactor.begin_enrolment(actor=account, account=account)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    twofactor.confirm_enrolment(actor=account, account=account, code=code)


def _totp_key(handle: str) -> str:
    device = TOTPDevice.objects.filter(user__handle=handle, confirmed=True).first()
    if device is None:
        return "(none: set up two-factor authentication at /accounts/security/)"
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def cover_art(kind: str, colours: tuple) -> Image.Image:
    """A 600x600 highlight cover: a soft gradient and one simple drawn symbol."""
    img = _sky(600, 600, colours[0], colours[1])
    d = ImageDraw.Draw(img)
    ink = colours[2]
    if kind == "archive":
        d.rounded_rectangle([170, 220, 430, 420], radius=18, outline=ink, width=18)
        d.line([(170, 280), (430, 280)], fill=ink, width=18)
        d.rounded_rectangle([260, 310, 340, 340], radius=10, fill=ink)
    elif kind == "careers":
        d.rounded_rectangle([160, 240, 440, 420], radius=26, outline=ink, width=18)
        d.rounded_rectangle([250, 180, 350, 250], radius=18, outline=ink, width=16)
        d.line([(160, 320), (440, 320)], fill=ink, width=14)
    elif kind == "qa":
        d.rounded_rectangle([150, 170, 450, 390], radius=60, outline=ink, width=18)
        d.polygon([(220, 380), (200, 460), (290, 385)], fill=ink)
        d.ellipse([225, 265, 255, 295], fill=ink)
        d.ellipse([285, 265, 315, 295], fill=ink)
        d.ellipse([345, 265, 375, 295], fill=ink)
    else:  # myth-busting: a tick over a cross
        d.line([(190, 200), (410, 420)], fill=colours[1], width=30)
        d.line([(410, 200), (190, 420)], fill=colours[1], width=30)
        d.line([(170, 320), (260, 410), (440, 200)], fill=ink, width=36, joint="curve")
    return img.filter(ImageFilter.GaussianBlur(0.6))


CLOSED_QA = [
    (
        "Do you really have to keep your job secret from your friends?",
        "Surveillance officer",
        "From most of them, yes. My family know I work for the Service; friends know I work for the "
        "government. After a while it stops feeling strange, and nobody asks twice about a civil service job.",
    ),
    (
        "Is it like the films?",
        "Agent runner",
        "Less running, more listening. Most of my job is building trust with people over months and years, "
        "and a lot of cups of tea. Nobody has ever handed me a gadget pen.",
    ),
    (
        "I'm dyslexic. Would that rule me out?",
        "Analyst",
        "No. I'm dyslexic myself, and so are some of our best analysts. Adjustments are available at every "
        "stage of the application, and different ways of thinking are exactly what we are looking for.",
    ),
    (
        "What's kept in the archive?",
        "Archivist",
        "Paper, mostly: files, photographs, index cards and the odd object, some of it over a century old. "
        "Some of it you'll see here for the first time: look for 'From the archive'.",
    ),
]
OPEN_QA = [
    ("How do you switch off after a long shift?", "Surveillance officer", "Long walks and bad television."),
    ("Do you need a degree to apply?", None, None),
    ("What languages are most useful?", None, None),
]


class Command(BaseCommand):
    help = "Load the openhouse demo (safe to run again)."

    def handle(self, *args, **options) -> None:
        password = secrets.token_urlsafe(9)
        with transaction.atomic():
            created = not Account.objects.filter(handle=ORG).exists()
            admin = Account.objects.filter(handle=ADMIN).first() or Account.objects.create_superuser(
                ADMIN, ""
            )
            if created:
                self._content(admin)
            admin.set_password(password)
            admin.save(update_fields=["password"])
            if not TOTPDevice.objects.filter(user=admin, confirmed=True).exists():
                _enrol(admin)  # the site admin opens only with a two-factor code
            if not Account.objects.filter(handle=TEAM_ADMIN).exists():
                self._team(Account.objects.get(handle=ORG), admin)
            for handle, _, _ in [*PEOPLE, (TEAM_ADMIN, "", ""), (WRITER, "", ""), (REVIEWER, "", "")]:
                person = Account.objects.get(handle=handle)
                person.set_password(password)
                person.save(update_fields=["password"])
        self.stdout.write(
            ("Demo content loaded." if created else "Demo content was already there.")
            + f"\n  Site admin:   http://127.0.0.1:8000/admin/  handle {ADMIN}  password {password}"
            + f"\n                then a code: authenticator key {_totp_key(ADMIN)}"
            + f"\n  Demo people:  {', '.join(p[0] for p in PEOPLE)}  (same password)"
            + f"\n  Organisation: http://127.0.0.1:8000/{ORG}/"
            + f"\n  Team admin:   http://127.0.0.1:8000/{ORG}/team/  handle {TEAM_ADMIN}  (same password)"
            + "\n                then a code: add this key to an authenticator app (time-based, 6 digits):"
            + f"\n                {_totp_key(TEAM_ADMIN)}"
            + f"\n  Studio:       http://127.0.0.1:8000/{ORG}/studio/  author {WRITER}, reviewer {REVIEWER}"
            + f"\n                (same password) keys: {WRITER} {_totp_key(WRITER)}"
            + f"\n                                      {REVIEWER} {_totp_key(REVIEWER)}\n"
        )

    def _team(self, org: Account, site_admin: Account) -> None:
        """A team admin with two-factor authentication already set up, and the organisation's role labels."""
        lead = accounts.sign_up(
            handle=TEAM_ADMIN,
            email="mi5.comms@example.org",
            password=secrets.token_urlsafe(16),
            display_name="MI5 social team",
        )
        _enrol(lead)
        accounts.appoint_first_admin(actor=site_admin, organisation=org, member=lead)
        for name in ROLE_LABELS:
            accounts.add_role_label(actor=lead, organisation=org, name=name)

    def _studio_team(self, organisations: list[Account]) -> None:
        """An author and a reviewer for the organisations' posts, with two-factor authentication set up."""
        self.studio = {}
        for handle, name, role in (
            (WRITER, "Desk Officer", Membership.Role.AUTHOR),
            (REVIEWER, "Duty Reviewer", Membership.Role.REVIEWER),
        ):
            member = accounts.sign_up(
                handle=handle,
                email=f"{handle.replace('.', '_')}@example.org",
                password=secrets.token_urlsafe(16),
                display_name=name,
            )
            _enrol(member)
            for org in organisations:
                Membership.objects.create(organisation=org, member=member, role=role)
            self.studio[role] = member

    def _content(self, site_admin: Account) -> None:
        org = accounts.create_organisation(
            handle=ORG,
            display_name="MI5",
            bio="The official account of the Security Service. We never ask for secrets here: "
            "to report something, use our website.",
            link="https://www.mi5.gov.uk",
        )
        org.is_verified = True
        org.save(update_fields=["is_verified"])
        museum = accounts.create_organisation(
            handle="citymuseum", display_name="City Museum", bio="Objects, stories and late openings."
        )
        museum.is_verified = True
        museum.save(update_fields=["is_verified"])
        people = []
        for handle, name, bio in PEOPLE:
            person = accounts.sign_up(
                handle=handle,
                email=f"{handle.replace('.', '_')}@example.org",
                password=secrets.token_urlsafe(16),
                display_name=name,
            )
            accounts.update_profile(
                actor=person, account=person, display_name=name, bio=bio, link="", is_private=False
            )
            people.append(person)
        Membership.objects.create(organisation=org, member=people[2], role=Membership.Role.AUTHOR)
        self._team(org, site_admin)
        self._studio_team([org, museum])
        RoleLabel.objects.create(organisation=museum, name="Curator")
        self._post(
            people[0],
            [landscape(1, ((250, 170, 120), (255, 225, 190), (255, 245, 220), (90, 70, 90)))],
            "Golden hour on the ridge after a week of rain. #landscape #goldenhour",
            ["Hills in layers under an orange evening sky"],
        )
        self._post(
            people[1],
            [landscape(2, ((40, 60, 110), (120, 150, 200), (240, 240, 255), (30, 50, 60)))],
            "Blue hour, cold fingers, worth it. #walks",
            ["Dark hills under a deep blue sky with a pale moon"],
        )
        self._post(
            museum,
            [
                archive_box(3),
                landscape(4, ((200, 200, 190), (240, 236, 220), (255, 255, 240), (120, 110, 90))),
            ],
            "New in the reading room: letters from 1952, catalogued at last. Late opening on Thursday. #archives",
            [
                "Yellowed letters spread on a table with a red ribbon",
                "A pale landscape print from the collection",
            ],
            label="Curator",
        )
        self._post(
            people[2],
            [archive_box(5)],
            "Boxes, boxes, boxes. Guess the decade. #archives",
            ["Stacked archive papers in manila folders"],
        )
        self._post(
            org,
            [
                lobby_looking_up(7),
                lobby_looking_up(8),
                landscape(9, ((90, 130, 190), (200, 220, 240), (255, 255, 255), (60, 70, 90))),
            ],
            "Hello, openhouse. This is the view from our headquarters lobby if you stand still and look up: "
            "glass, steel and the rounded pods where a lot of quiet work happens. Good security means looking at "
            "things from every angle, and we'll show you what we can. Questions welcome; secrets stay behind the pods. "
            "#firstpost #architecture",
            [
                "Looking straight up through a glass roof with steel ribs radiating from the centre",
                "Rounded pods on both sides of an atrium seen from below",
                "Blue sky above a city skyline seen from the building",
            ],
            label="Press office",
        )
        self._waiting_draft(org)
        self._organisation_extras(org)

        self._conversation(org, museum, people)

    def _conversation(self, org: Account, museum: Account, people: list[Account]) -> None:
        """People follow, like and comment, so the feed, counts and notifications have something in them."""
        first = Post.objects.filter(author=org).latest("id")
        for person in people:
            social.follow(actor=person, target=org)
            social.follow(actor=person, target=museum)
            social.like_post(actor=person, post_id=first.pk)
        social.follow(actor=people[0], target=people[1])
        social.follow(actor=people[1], target=people[0])
        social.follow(actor=org, target=museum)
        welcome = social.add_comment(
            actor=people[1], post_id=first.pk, body="So that's what the pods look like from below."
        )
        social.add_comment(
            actor=people[0], post_id=first.pk, body="Spot the pattern in the roof. Is it a code?"
        )
        social.add_comment(
            actor=people[2], post_id=first.pk, body="Looking forward to the archive posts. #archives"
        )
        social.add_comment(
            actor=people[0],
            post_id=first.pk,
            body="@tom_walks they look friendlier than I expected",
            parent_id=welcome.pk,
        )
        pinned = social.add_comment(
            actor=people[2], post_id=first.pk, body="Will there be a Q&A with people who work there?"
        )
        social.set_pinned(actor=org, comment=pinned, pinned=True)
        for post in Post.objects.exclude(author=org)[:3]:
            social.like_post(actor=people[0], post_id=post.pk)

    def _organisation_extras(self, org: Account) -> None:
        """Links and colours, two Q&A sessions answered under role labels, careers listings, a myth-busting
        card and highlights for mi5official, all made by its team admin through the services."""
        people = [Account.objects.get(handle=h) for h, _, _ in PEOPLE]
        lead = Account.objects.get(handle=TEAM_ADMIN)  # the team admin, with two-factor set up (see _team)
        priya, tom = people[0], people[1]
        careers.update_profile_settings(
            actor=lead,
            organisation=org,
            careers_url="https://www.mi5.gov.uk/careers",
            secure_channel_url="https://www.mi5.gov.uk/contact-us",
            colour_background="#10223d",
            colour_text="#ffffff",
            colour_accent="#f2c14e",
        )
        now = datetime.datetime.now(tz=datetime.UTC)
        today = now.date()
        careers.create_listing(
            actor=lead,
            organisation=org,
            title="Intelligence Officer",
            team="Intelligence Officer Development Programme",
            region="London, Manchester, Belfast",
            closes_on=today + datetime.timedelta(days=28),
            summary="Turn fragments into judgements that keep people safe. No particular degree or background "
            "needed: we train you over two years, with real casework from the start.",
            apply_url="https://www.mi5.gov.uk/careers/intelligence-officer",
        )
        careers.create_listing(
            actor=lead,
            organisation=org,
            title="Surveillance Officer",
            team="Mobile surveillance",
            region="Across the UK",
            closes_on=today + datetime.timedelta(days=45),
            summary="Out and about, unnoticed, in all weathers. Patience, teamwork and a good memory matter "
            "more than anything on your CV.",
            apply_url="https://www.mi5.gov.uk/careers/surveillance-officer",
        )
        closed = qa.open_session(
            actor=lead,
            organisation=org,
            title="Ask us anything: life inside the Service",
            intro="Serving officers answer your questions about what the work is really like. Answers are signed "
            "with the person's role, never their name.",
            opens_at=now - datetime.timedelta(hours=3),
            closes_at=now + datetime.timedelta(hours=1),
        )
        askers = [priya, tom, priya, tom]
        for (question, label, reply), asker in zip(CLOSED_QA, askers, strict=True):
            asked = qa.ask(actor=asker, session=closed, body=question).question
            qa.moderate(actor=lead, question=asked, action="approve")
            qa.answer(actor=lead, question=asked, body=reply, role_label=label)
        waiting = qa.ask(actor=tom, session=closed, body="Do you get to travel much for work?").question
        qa.moderate(actor=lead, question=waiting, action="approve")
        qa.vote(actor=priya, question=waiting)
        qa.close_session(actor=lead, session=closed)

        live = qa.open_session(
            actor=lead,
            organisation=org,
            title="Live: a week in surveillance",
            intro="A surveillance officer answers questions all week. Vote for the ones you want answered first.",
            opens_at=now - datetime.timedelta(minutes=30),
            closes_at=now + datetime.timedelta(days=7),
        )
        for (question, label, reply), asker in zip(OPEN_QA, [priya, tom, priya], strict=True):
            asked = qa.ask(actor=asker, session=live, body=question).question
            qa.moderate(actor=lead, question=asked, action="approve")
            if reply:
                qa.answer(actor=lead, question=asked, body=reply, role_label=label)
        for question in Question.objects.filter(session=live, status=Question.Status.APPROVED):
            qa.vote(actor=people[1] if question.author_id != people[1].pk else people[0], question=question)

        card = careers.myth_card(
            actor=lead,
            organisation=org,
            myth="You have to be a particular type of person to work here.",
            reality="We need people from every background, region and walk of life. Different ways of thinking "
            "make us better at keeping the country safe.",
        )
        self._post(
            org,
            [Image.open(io.BytesIO(card))],
            "Myth-busting, part one. If you've been ruling yourself out, don't. #careers #mythbusting",
            [
                "A card: Myth: you have to be a particular type of person. Reality: we need people from every background."
            ],
        )
        self._post(
            org,
            [archive_box(11)],
            "From the archive: a 1950s filing system, pre-computer. Every card was cross-referenced by hand. #archives",
            ["Index cards and folders spread across a desk, tied with a red ribbon"],
        )
        org_posts = list(Post.objects.filter(author=org).order_by("id"))
        lobby, myth_post, archive_post = org_posts[0], org_posts[-2], org_posts[-1]
        palette = {
            "archive": ((233, 220, 196), (205, 186, 150), (110, 80, 50)),
            "careers": ((31, 94, 255), (120, 80, 220), (255, 255, 255)),
            "qa": ((236, 64, 122), (255, 152, 0), (255, 255, 255)),
            "myth": ((16, 34, 61), (60, 80, 120), (242, 193, 78)),
        }
        for title, kind, post_ids, sessions in (
            ("From the archive", "archive", [archive_post.pk, lobby.pk], []),
            ("Careers", "careers", [myth_post.pk], []),
            ("Q&A", "qa", [], [closed]),
            ("Myth-busting", "myth", [myth_post.pk], []),
        ):
            highlight = posts.create_highlight(
                actor=lead, account=org, title=title, cover=_jpeg(cover_art(kind, palette[kind]))
            )
            for post_id in post_ids:
                posts.add_to_highlight(actor=lead, highlight=highlight, post_id=post_id)
            for session in sessions:
                qa.pin_to_highlight(actor=lead, session=session, highlight=highlight)

    def _waiting_draft(self, org: Account) -> None:
        """A careers post waiting in the studio, with a watch list that flags something in it."""
        for pattern, regex in [("pods", False), (r"\bagent\s+runners?\b", True), ("Thames House", False)]:
            WatchEntry.objects.create(organisation=org, pattern=pattern, is_regex=regex)
        writer = self.studio[Membership.Role.AUTHOR]
        alts = ["An empty corridor with a row of doors and soft light"]
        draft = publishing.start_draft(
            actor=writer, organisation=org, uploads=[_jpeg(lobby_looking_up(11))], alt_texts=alts
        )
        label_id = RoleLabel.objects.get(organisation=org, name="Recruitment team").pk
        draft = publishing.edit_draft(
            actor=writer,
            draft=draft,
            caption="Think you wouldn't fit in here? Our agent runners come from every background. "
            "Ask us about careers on Thursday's Q&A. #careers",
            role_label_id=label_id,
            media_ids=[i.pk for i in publishing.draft_photos(draft)],
            alt_texts=alts,
        )
        publishing.submit_draft(actor=writer, draft=draft)

    def _post(
        self, author: Account, images: list[Image.Image], caption: str, alts: list[str], label: str = ""
    ) -> None:
        if not author.is_organisation:
            items = media.store_photos(owner=author, uploads=[_jpeg(i) for i in images], alt_texts=alts)
            posts.create_post(author=author, media_ids=[i.pk for i in items], caption=caption)
            return
        # An organisation's post goes the way every one does: drafted, reviewed by someone else, published.
        writer, reviewer = self.studio[Membership.Role.AUTHOR], self.studio[Membership.Role.REVIEWER]
        draft = publishing.start_draft(
            actor=writer, organisation=author, uploads=[_jpeg(i) for i in images], alt_texts=alts
        )
        label_id = (
            RoleLabel.objects.filter(organisation=author, name=label).values_list("pk", flat=True).first()
        )
        draft = publishing.edit_draft(
            actor=writer,
            draft=draft,
            caption=caption,
            role_label_id=label_id,
            media_ids=[i.pk for i in publishing.draft_photos(draft)],
            alt_texts=alts,
        )
        draft = publishing.submit_draft(actor=writer, draft=draft)
        # The demo is one transaction, so the reports' tasks would run only after it: make them here, as the
        # worker would, since a reviewer approves only what the report showed.
        for item in publishing.draft_photos(draft):
            media.inspect_original(original_id=item.original.pk)
        publishing.approve_draft(reviewer=reviewer, draft=draft, revision=draft.revision, publish_now=True)
