"""A minimal page for the sign-in browser test (tests/test_browser_auth.py): the account bar
and what it returns, without the rest of the app."""

import streamlit as st

from dashboard.ui import auth, common

catalog = common.load_catalog("en")
actor = auth.account_bar(catalog, "en")
st.markdown(common.md_escape(f"actor: {actor.describe()} can_write={actor.can_write}"))
