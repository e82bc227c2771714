"""Signing in to FTL: credentials, the saved session, the login and login-wall middlewares."""
