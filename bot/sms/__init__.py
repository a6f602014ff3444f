"""The SMS channel: kader without WhatsApp, through an Android phone as gateway."""
