"""The exhibition editor: drafts, importers glue, photos, serving a published version."""
