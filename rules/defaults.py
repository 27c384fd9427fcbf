"""The business rules a new install starts with (seeded by migration 0002; editable)."""

DEFAULT_RULES = [
    {
        "name": "New case: notify the queue",
        "position": 10,
        "description": "When a case is created, notify the members of the queue it was dispatched to.",
        "events": ["case.created"],
        "notify_queue_members": True,
        "subject_template": "Case {{ case.number }} new: {{ case.title }}",
        "body_template": (
            "A new case is waiting in {{ case.queue }}.\n\n"
            "Case {{ case.number }}: {{ case.title }}\n"
            "From: {{ contact.name }} <{{ contact.email }}>{% if site.name %} ({{ site.name }}){% endif %}\n\n"
            "{{ note }}\n\nOpen it: {{ case.url }}\n"
        ),
        "mobile_template": "Case {{ case.number }} new: {{ case.title }}",
    },
    {
        "name": "Customer note: notify the owner",
        "position": 20,
        "description": "When the customer adds a note (portal or email), notify the case owner, or the "
        "queue's members while nobody owns it.",
        "events": ["note.logged", "email.in"],
        "actor_kind": "contact",
        "notify_owner": True,
        "owner_fallback_to_queue": True,
        "subject_template": "Case {{ case.number }}: {{ actor.name }} added a note",
        "body_template": (
            "{{ actor.name }} added a note to Case {{ case.number }} ({{ case.title }}):\n\n"
            "{{ note }}\n\nOpen it: {{ case.url }}\n"
        ),
        "mobile_template": "Case {{ case.number }} note: {{ case.title }}",
    },
    {
        "name": "Customer closed: notify the owner",
        "position": 30,
        "description": "When the customer closes their case, notify its owner.",
        "events": ["case.closed"],
        "actor_kind": "contact",
        "notify_owner": True,
        "subject_template": "Case {{ case.number }} closed by {{ actor.name }}: {{ case.title }}",
        "body_template": (
            "{{ actor.name }} closed Case {{ case.number }} ({{ case.title }}).\n\n"
            "{{ note }}\n\nOpen it: {{ case.url }}\n"
        ),
        "mobile_template": "Case {{ case.number }} closed: {{ case.title }}",
    },
    {
        "name": "Email send failed: notify the writer",
        "position": 40,
        "description": "When an email cannot be sent, notify the agent who wrote it.",
        "events": ["email.failed"],
        "notify_writer": True,
        "subject_template": "Case {{ case.number }}: your email could not be sent",
        "body_template": (
            "Your email on Case {{ case.number }} ({{ case.title }}) could not be sent:\n\n"
            "{{ error }}\n\nCheck the address and retry it from the case page: {{ case.url }}\n"
        ),
        "mobile_template": "Case {{ case.number }} email failed: {{ case.title }}",
    },
]
