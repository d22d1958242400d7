"""Use cases. Each takes a session and an actor, applies domain rules, writes, audits and leaves committing to
the caller unless it says otherwise. No request, g, flash or current_user here."""
