"""The SMS channel: kader without WhatsApp, through an Android phone as gateway (the SMS
Gateway for Android app, its local server on the phone or its cloud server)."""

#: The channel's name, as stored with identities and outbox rows.
SMS = "sms"
