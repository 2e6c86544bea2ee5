"""The seller's dashboard: one module per page, each with its GET page and POST actions.

Pages are `page` handlers (login required, redirect to /login), form actions are `action`
handlers (session, CSRF token, admin role), JSON/CSV reads are `api` handlers (session or
HTTP Basic); see `app/admin_auth.py`. Public: `/login`, `/tables/*`; `/metrics` checks its
own token.
"""
