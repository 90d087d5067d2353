"""The navigators' review: who may write (`roles`), safe note text (`markdown`), the review's
domain (`domain`: exhibit status, curated notes, workshop grouping, insights data).

Pages import the submodules they need; this package imports none of them itself, so that the
store (which checks permissions with `roles`) does not load the rest.
"""
