"""The WhatsApp channel through Twilio: signed webhooks in, the REST API out."""

#: The channel's name, as stored with identities and outbox rows.
WHATSAPP = "whatsapp"
