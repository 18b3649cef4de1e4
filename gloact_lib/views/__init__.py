"""Views: maps, HTML pieces, briefing packs, forms.  They take DataFrames from analysis; no SQL here."""
