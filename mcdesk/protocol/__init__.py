"""What station and server must agree on, and nothing else.

Imports only the base modules (keys, jsonread) and never another mcdesk package.
"""
