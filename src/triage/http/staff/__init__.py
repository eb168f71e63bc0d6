"""The staff page: server-rendered HTML for first-contact staff, served by the API app."""
