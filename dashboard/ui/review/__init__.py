"""The navigators' review page, one module per tab: `exhibits` (the exhibits and their
notes), `follow_ups`, `workshop`, `report`, `insights`; `state.ReviewState` owns every session
key of the page, `shared` holds what the tabs share (stores, who writes, messages of writes).
The page script app_pages/review.py draws only the open tab."""
