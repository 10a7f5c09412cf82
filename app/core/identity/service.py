"""IdentityService: users, passwords, JWT sessions, OTP/TOTP, verification tokens, the inbox.

One identity serves all five platforms; each platform renders ``User`` in its own shape and
checks its own field rules (Drop names/age, Nivo phones, Tribble password strength) before
calling ``register``. Every write is one ``db.write`` (one savepoint); every expiry reads the
sandbox clock.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from app.core.clock import SandboxClock
from app.core.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from app.core.identity import directory, otp, rotation
from app.core.identity import inbox as inbox_sql
from app.core.identity import tokens as tok
from app.core.identity import users as usr
from app.core.identity.models import (
    KYC_STATUSES,
    OTP_CHANNELS,
    ROLES,
    USER_STATUSES,
    InboxMessage,
    OtpChallenge,
    Principal,
    TokenPair,
    User,
    VerificationToken,
    user_id_from_twallet_account,
)
from app.core.identity.passwords import hash_password, verify_password
from app.core.numbers import strict_int
from app.db.database import Database

_CLAIMS_CACHE_SIZE = 4096
_STATUS_ERRORS = {"locked": "account_locked", "suspended": "account_suspended", "deleted": "account_deleted"}


class IdentityService:
    def __init__(
        self,
        db: Database,
        clock: SandboxClock,
        *,
        bcrypt_rounds: int = 10,
        jwt_secret: str = "",
        workspace: str = "default",
    ) -> None:
        self.db = db
        self.clock = clock
        self.bcrypt_rounds = bcrypt_rounds
        self.workspace = workspace
        self._configured_secret = jwt_secret
        self._secret = jwt_secret
        self.revoked = tok.RevocationCache()
        # Hot-path caches of verify_access (every authenticated request). Verified tokens map to
        # their claims (expiry, workspace and revocation are still checked on every use); users
        # are cached by id and the whole cache is dropped on every identity write and on reload.
        self._verified_tokens: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._user_cache: dict[int, User] = {}

    async def _write(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        try:
            return await self.db.write(fn)
        finally:
            self._user_cache.clear()

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        """Load the signing secret and the revocation cache (an ``on_start`` hook; also after a restore)."""
        if not self._configured_secret:
            self._secret = str(await self._write(tok.load_or_create_secret))
        now = self.clock.time()
        await self.db.read(lambda conn: self.revoked.load(conn, now))
        self._user_cache.clear()
        self._verified_tokens.clear()

    reload = start

    @property
    def secret(self) -> str:
        if not self._secret:
            raise RuntimeError("identity service is not started")
        return self._secret

    # -- users -------------------------------------------------------------------------------
    async def register(
        self,
        email: str,
        password: str,
        *,
        first_name: str,
        last_name: str,
        phone: str | None = None,
        date_of_birth: str | None = None,
        account_type: str = "individual",
        country: str | None = None,
        roles: Iterable[str] = ("user",),
        status: str = "active",
        kyc_status: str = "pending",
        kyc_tier: int = 0,
    ) -> User:
        if not isinstance(password, str) or not password:
            raise ValidationFailed("password is required", code="validation_error", field="password")
        email_norm = usr.normalize_email(email)
        existing = await self.db.read(lambda conn: usr.get_by(conn, "email_norm", email_norm))
        if existing is not None:  # fail fast before spending a bcrypt hash; the write re-checks
            raise Conflict("email is already registered", code="email_taken", field="email")
        hashed = await hash_password(password, self.bcrypt_rounds)
        role_tuple = tuple(roles)
        now = self.clock.time()

        def run(conn: sqlite3.Connection) -> User:
            return usr.insert_user(
                conn,
                now,
                email=email,
                password_hash=hashed,
                first_name=first_name,
                last_name=last_name,
                phone=phone,
                date_of_birth=date_of_birth,
                account_type=account_type,
                country=country,
                roles=role_tuple,
                status=status,
                kyc_status=kyc_status,
                kyc_tier=kyc_tier,
            )

        user: User = await self._write(run)
        return user

    async def authenticate(self, email: str, password: str) -> User:
        email_norm = usr.normalize_email(email)

        def read(conn: sqlite3.Connection) -> tuple[User | None, str | None]:
            user = usr.get_by(conn, "email_norm", email_norm)
            return user, (usr.password_hash_of(conn, user.id) if user else None)

        user, hashed = await self.db.read(read)
        if user is None or hashed is None:
            raise NotFound("user not found", code="user_not_found")
        if not isinstance(password, str) or not await verify_password(password, hashed):
            raise Unauthorized("invalid email or password", code="invalid_credentials")
        if user.status in _STATUS_ERRORS:
            raise Forbidden(f"account is {user.status}", code=_STATUS_ERRORS[user.status])
        now = self.clock.time()

        def record(conn: sqlite3.Connection) -> User:
            conn.execute("UPDATE users SET last_login_at = ? WHERE id = ?", (now, user.id))
            return usr.require(conn, user.id)

        logged_in: User = await self._write(record)
        return logged_in

    async def _get(self, column: str, value: Any) -> User | None:
        if value is None or value == "":
            return None
        # A unique index lookup: inline on this thread's read connection (no reader-thread hop).
        return self.db.peek(lambda conn: usr.get_by(conn, column, value))

    async def get_user(self, user_id: int) -> User | None:
        found = strict_int(user_id, minimum=1)  # 2**63 is no id (SQLite would overflow), "١" is not 1
        return None if found is None else await self._get("id", found)

    async def by_uuid(self, uuid: str) -> User | None:
        return await self._get("uuid", str(uuid).lower())

    async def by_email(self, email: str) -> User | None:
        return await self._get("email_norm", usr.normalize_email(email))

    async def by_phone(self, phone: str) -> User | None:
        return await self._get("phone", phone)

    async def by_drop_id(self, drop_id: str) -> User | None:
        return await self._get("drop_id", drop_id)

    async def by_profile_id(self, profile_id: str) -> User | None:
        return await self._get("profile_id", profile_id)

    async def list_users(
        self, *, limit: int = 50, query: str | None = None, before: int | None = None, after: int | None = None
    ) -> list[User]:
        """Newest users first, optionally searched (``directory.match_clause``) and bounded by id."""
        return await self.db.read(
            lambda conn: directory.list_users(conn, limit=limit, query=query, before=before, after=after)
        )

    async def page_users(
        self, *, limit: int = 50, query: str | None = None, before: int | None = None, after: int | None = None
    ) -> directory.UserPage:
        """One keyset page of ``list_users`` with the cursors of the older and newer pages."""
        return await self.db.read(
            lambda conn: directory.page_users(conn, limit=limit, query=query, before=before, after=after)
        )

    async def by_twallet_account_id(self, account_id: str) -> User | None:
        user_id = user_id_from_twallet_account(account_id)
        return None if user_id is None else await self.get_user(user_id)

    async def _update(self, user_id: int, fields: dict[str, Any]) -> User:
        now = self.clock.time()
        user: User = await self._write(lambda conn: usr.update_fields(conn, user_id, now, fields))
        return user

    async def update_profile(self, user_id: int, **fields: Any) -> User:
        unknown = set(fields) - set(usr.PROFILE_FIELDS)
        if unknown:
            raise ValidationFailed(f"cannot update {', '.join(sorted(unknown))}", code="validation_error")
        if "account_type" in fields:
            usr.check_choice("account_type", fields["account_type"], ("individual", "business"))
        return await self._update(user_id, fields)

    async def change_password(self, user_id: int, current_password: str, new_password: str) -> None:
        hashed = await self.db.read(lambda conn: usr.password_hash_of(conn, user_id))
        if hashed is None:
            raise NotFound("user not found", code="user_not_found")
        if not await verify_password(current_password or "", hashed):
            raise Unauthorized("current password is wrong", code="invalid_credentials")
        if not isinstance(new_password, str) or not new_password:
            raise ValidationFailed("password is required", code="validation_error", field="password")
        new_hash = await hash_password(new_password, self.bcrypt_rounds)
        await self._update(user_id, {"password_hash": new_hash})
        await self.revoke_all(user_id)

    async def set_kyc(self, user_id: int, status: str, tier: int | None = None) -> User:
        usr.check_choice("kyc_status", status, KYC_STATUSES)
        fields: dict[str, Any] = {"kyc_status": status}
        if tier is not None:
            if not 0 <= int(tier) <= 3:
                raise ValidationFailed("kyc_tier must be 0..3", code="validation_error", field="kyc_tier")
            fields["kyc_tier"] = int(tier)
        return await self._update(user_id, fields)

    async def set_roles(self, user_id: int, roles: Iterable[str]) -> User:
        """Exactly these roles (``user`` is always kept)."""
        role_set = set(roles) | {"user"}
        for role in role_set:
            usr.check_choice("role", role, ROLES)
        return await self._update(user_id, {"roles": ",".join(sorted(role_set))})

    async def password_matches(self, user_id: int, password: str) -> bool:
        hashed = await self.db.read(lambda conn: usr.password_hash_of(conn, user_id))
        return hashed is not None and isinstance(password, str) and await verify_password(password, hashed)

    async def set_password(self, user_id: int, password: str) -> None:
        """Sandbox reset of a password (no current password asked); every session of the user ends."""
        if not isinstance(password, str) or not password:
            raise ValidationFailed("password is required", code="validation_error", field="password")
        await self._update(user_id, {"password_hash": await hash_password(password, self.bcrypt_rounds)})
        await self.revoke_all(user_id)

    async def set_status(self, user_id: int, status: str) -> User:
        usr.check_choice("status", status, USER_STATUSES)
        if status == "deleted":
            return await self.soft_delete(user_id)
        return await self._update(user_id, {"status": status})

    async def add_role(self, user_id: int, role: str) -> User:
        usr.check_choice("role", role, ROLES)
        user = await self.get_user(user_id)
        if user is None:
            raise NotFound("user not found", code="user_not_found")
        return await self._update(user_id, {"roles": ",".join(sorted(user.roles | {role}))})

    async def soft_delete(self, user_id: int) -> User:
        now = self.clock.time()

        def run(conn: sqlite3.Connection) -> tuple[User, list[tuple[str, float]]]:
            user = usr.update_fields(conn, user_id, now, {"status": "deleted", "deleted_at": now})
            revoked = tok.revoke_where(conn, now, "user_deleted", "user_id = ? AND expires_at > ?", (user_id, now))
            return user, revoked

        user, revoked = await self._write(run)
        self.revoked.add(revoked, now)
        return user

    # -- authorization helpers -----------------------------------------------------------------
    @staticmethod
    def ensure_owner(user: User, owner_user_id: int | None) -> None:
        """A user only ever sees and moves their own resources (admins see all)."""
        if owner_user_id != user.id and not user.is_admin:
            raise Forbidden("resource belongs to another user", code="forbidden")

    @staticmethod
    def ensure_admin(user: User) -> None:
        if not user.is_admin:
            raise Forbidden("admin role required", code="forbidden")

    # -- tokens --------------------------------------------------------------------------------
    def _claims(
        self, user: User, *, typ: str, jti: str, family: str, platform: str, scope: str, iat: int, exp: int
    ) -> dict[str, Any]:
        return {
            "sub": user.uuid,
            "uid": user.id,
            "role": user.role,
            "scope": scope,
            "plat": platform,
            "ws": self.workspace,
            "jti": jti,
            "fam": family,
            "iat": iat,
            "exp": exp,
            "typ": typ,
        }

    def _encode_pair(
        self,
        user: User,
        *,
        family: str,
        platform: str,
        scope: str,
        extra: dict[str, Any],
        iat: int,
        jti: str,
        exp: int,
        rjti: str | None = None,
        rexp: int | None = None,
    ) -> TokenPair:
        """The signed tokens of a pair (no database): the same inputs always give the same tokens."""

        def claims(typ: str, token_id: str, expires: int) -> dict[str, Any]:
            own = self._claims(
                user, typ=typ, jti=token_id, family=family, platform=platform, scope=scope, iat=iat, exp=expires
            )
            return {**extra, **own}

        access = claims("access", jti, exp)
        refresh_token = None
        if rjti is not None and rexp is not None:
            refresh_token = tok.encode(claims("refresh", rjti, rexp), self.secret)
        return TokenPair(
            access_token=tok.encode(access, self.secret),
            refresh_token=refresh_token,
            expires_at=float(exp),
            jti=jti,
            refresh_expires_at=None if rexp is None else float(rexp),
            ttl=exp - iat,
        )

    def _build_pair(
        self,
        conn: sqlite3.Connection,
        user: User,
        *,
        now: float,
        platform: str,
        ttl: int,
        refresh_ttl: int | None,
        scope: str,
        extra: dict[str, Any],
        family: str | None = None,
        token_ids: tuple[str, str] | None = None,
    ) -> TokenPair:
        """Insert and sign a new pair; ``token_ids`` (access, refresh) are given for a rotation."""
        iat = int(now)
        family = family or tok.new_jti()
        jti = token_ids[0] if token_ids else tok.new_jti()
        exp = iat + int(ttl)
        rows = [(jti, user.id, "access", family, platform, scope, now, float(exp))]
        rjti: str | None = None
        rexp: int | None = None
        if refresh_ttl is not None:
            rjti = token_ids[1] if token_ids else tok.new_jti()
            rexp = iat + int(refresh_ttl)
            rows.append((rjti, user.id, "refresh", family, platform, scope, now, float(rexp)))
        conn.executemany(
            "INSERT INTO auth_tokens (jti, user_id, kind, family, platform, scope, issued_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        return self._encode_pair(
            user,
            family=family,
            platform=platform,
            scope=scope,
            extra=extra,
            iat=iat,
            jti=jti,
            exp=exp,
            rjti=rjti,
            rexp=rexp,
        )

    async def issue_tokens(
        self,
        user: User,
        *,
        platform: str,
        ttl: int,
        refresh_ttl: int | None = None,
        scope: str = "full",
        extra_claims: dict[str, Any] | None = None,
    ) -> TokenPair:
        extra = {k: v for k, v in (extra_claims or {}).items() if k not in tok.RESERVED_CLAIMS}
        now = self.clock.time()

        def run(conn: sqlite3.Connection) -> TokenPair:
            return self._build_pair(
                conn, user, now=now, platform=platform, ttl=ttl, refresh_ttl=refresh_ttl, scope=scope, extra=extra
            )

        pair: TokenPair = await self._write(run)
        return pair

    def decode_access(self, token: str) -> dict[str, Any]:
        """Signature, type, expiry, workspace and revocation checks; no database round trip."""
        raw = _strip_bearer(token)
        cached = self._verified_tokens.get(raw)
        if cached is not None:
            self._verified_tokens.move_to_end(raw)
            if self.clock.time() >= float(cached["exp"]):
                raise Unauthorized("token has expired", code="token_expired", expired_at=float(cached["exp"]))
            claims = cached
        else:
            claims = tok.decode(raw, self.secret, now=self.clock.time(), expected_type="access")
            self._verified_tokens[raw] = claims
            if len(self._verified_tokens) > _CLAIMS_CACHE_SIZE:
                self._verified_tokens.popitem(last=False)
        if claims.get("ws") != self.workspace:
            raise Unauthorized("token belongs to another workspace", code="invalid_token")
        if claims["jti"] in self.revoked:
            raise Unauthorized("token has been revoked", code="token_revoked")
        return claims

    async def verify_access(self, token: str) -> Principal:
        claims = self.decode_access(token)
        uid = claims.get("uid", 0)
        user = self._user_cache.get(uid) if isinstance(uid, int) else None
        if user is None:
            user = await self.get_user(uid)
            if user is not None:
                self._user_cache[user.id] = user
        if user is None or user.uuid != claims.get("sub") or user.status == "deleted":
            raise Unauthorized("token's user no longer exists", code="invalid_token")
        return Principal(user=user, claims=claims, jti=str(claims["jti"]), scope=str(claims.get("scope", "full")))

    async def refresh(
        self, refresh_token: str, *, ttl: int, refresh_ttl: int, reuse_grace: float = rotation.REUSE_GRACE
    ) -> TokenPair:
        """Rotate a refresh token (``rotation``): a new pair in the same family; the old access token
        lives until it expires. The used refresh token again within ``reuse_grace`` seconds answers the
        same pair; a later reuse (or one after a logout) revokes the family (``token_revoked``)."""
        now = self.clock.time()
        claims = tok.decode(_strip_bearer(refresh_token), self.secret, now=now, expected_type="refresh")
        if claims.get("ws") != self.workspace:
            raise Unauthorized("token belongs to another workspace", code="invalid_token")
        jti = str(claims["jti"])
        extra = {k: v for k, v in claims.items() if k not in tok.RESERVED_CLAIMS}
        successor_ids = rotation.successor_jtis(self.secret, jti)

        def run(conn: sqlite3.Connection) -> tuple[str, TokenPair | None, list[tuple[str, float]]]:
            row = conn.execute("SELECT * FROM auth_tokens WHERE jti = ? AND kind = 'refresh'", (jti,)).fetchone()
            if row is None:
                return "invalid", None, []
            user = usr.get_by(conn, "id", int(row["user_id"]))
            successor = rotation.successor_within_grace(conn, row, now, successor_ids, reuse_grace)
            if successor is not None and user is not None and user.status != "deleted":
                replay = self._encode_pair(
                    user,
                    family=row["family"],
                    platform=row["platform"],
                    scope=row["scope"],
                    extra=extra,
                    iat=int(successor.issued_at),
                    jti=successor.access_jti,
                    exp=int(successor.access_expires_at),
                    rjti=successor.refresh_jti,
                    rexp=int(successor.refresh_expires_at),
                )
                return "ok", replay, []
            if row["revoked_at"] is not None or row["used_at"] is not None:
                # Reuse of a rotated (or revoked) refresh token: the whole session family dies.
                revoked = tok.revoke_where(conn, now, "refresh_reuse", "family = ?", (row["family"],))
                return "revoked", None, revoked
            if user is None or user.status == "deleted":
                return "invalid", None, []
            pair = self._build_pair(
                conn,
                user,
                now=now,
                platform=row["platform"],
                ttl=ttl,
                refresh_ttl=refresh_ttl,
                scope=row["scope"],
                extra=extra,
                family=row["family"],
                token_ids=successor_ids,
            )
            rotation.mark_used(conn, jti, now)
            return "ok", pair, []

        outcome, pair, revoked = await self._write(run)
        self.revoked.add(revoked, now)
        if outcome == "revoked":
            raise Unauthorized("refresh token has already been used or revoked", code="token_revoked")
        if outcome != "ok" or pair is None:
            raise Unauthorized("refresh token is not valid", code="invalid_token")
        return pair

    async def revoke(self, jti: str) -> None:
        """Log out: revoke the token and every token of its login session (same family)."""
        now = self.clock.time()

        def run(conn: sqlite3.Connection) -> list[tuple[str, float]]:
            row = conn.execute("SELECT family FROM auth_tokens WHERE jti = ?", (jti,)).fetchone()
            if row is None:
                return []
            return tok.revoke_where(conn, now, "logout", "family = ?", (row[0],))

        self.revoked.add(await self._write(run), now)

    async def session_owner(self, jti: str, *, platform: str | None = None) -> int | None:
        """The user id a token id (``jti``) was issued to, None when no such token exists (or, with
        ``platform``, when that platform's logins did not issue it)."""
        row = await self.db.read(
            lambda conn: conn.execute("SELECT user_id, platform FROM auth_tokens WHERE jti = ?", (jti,)).fetchone()
        )
        if row is None or (platform is not None and row[1] != platform):
            return None
        return int(row[0])

    async def revoke_all(self, user_id: int) -> None:
        """Every session of the user on every platform (password change, deletion): not a logout."""
        now = self.clock.time()
        revoked = await self._write(
            lambda conn: tok.revoke_where(conn, now, "revoke_all", "user_id = ? AND expires_at > ?", (user_id, now))
        )
        self.revoked.add(revoked, now)

    async def revoke_platform(self, user_id: int, platform: str) -> None:
        """A platform's "log out everywhere": every session the user opened through ``platform``'s
        logins (all devices). One identity is not one session: other platforms' sessions live on."""
        now = self.clock.time()
        where = "user_id = ? AND platform = ? AND expires_at > ?"
        revoked = await self._write(
            lambda conn: tok.revoke_where(conn, now, "logout_platform", where, (user_id, platform, now))
        )
        self.revoked.add(revoked, now)

    async def mint_token(self, email: str, expires_in: int) -> TokenPair:
        """Control API: a token for any user with any lifetime (0 or negative = already expired)."""
        user = await self.by_email(email)
        if user is None:
            raise NotFound("user not found", code="user_not_found")
        return await self.issue_tokens(user, platform="sandbox", ttl=int(expires_in))

    # -- OTP / TOTP / verification tokens --------------------------------------------------------
    async def start_otp(self, user_id: int, purpose: str, channel: str) -> OtpChallenge:
        if channel not in OTP_CHANNELS:
            raise ValidationFailed(f"channel must be one of {', '.join(OTP_CHANNELS)}", code="validation_error")
        now = self.clock.time()

        def run(conn: sqlite3.Connection) -> OtpChallenge:
            user = usr.require(conn, user_id)
            if user.status == "deleted":
                raise NotFound("user not found", code="user_not_found", user_id=user_id)
            if channel == "email":
                recipient = user.email
            elif channel in ("sms", "whatsapp"):
                if not user.phone:
                    raise ValidationFailed("user has no phone number", code="phone_missing")
                recipient = user.phone
            else:
                recipient = user.phone or user.email
            # A new code supersedes older pending codes for the same purpose.
            conn.execute(
                "UPDATE otp_challenges SET status = 'expired' WHERE user_id = ? AND purpose = ? AND status = 'pending'",
                (user_id, purpose),
            )
            challenge = otp.create_challenge_in(
                conn, now, user_id=user_id, purpose=purpose, channel=channel, recipient=recipient
            )
            if channel != "user_admin":
                inbox_sql.deliver_in(
                    conn,
                    now,
                    channel,
                    recipient,
                    f"Your {purpose} code",
                    f"Your {purpose} verification code is {challenge.code}. It expires in {otp.OTP_TTL // 60} minutes.",
                    code=challenge.code,
                    purpose=purpose,
                    user_id=user_id,
                )
            return challenge

        challenge: OtpChallenge = await self._write(run)
        return challenge

    async def verify_otp(
        self, user_id: int, purpose: str, code: str, *, challenge_id: str | None = None, ttl: int = otp.VERIFICATION_TTL
    ) -> VerificationToken:
        now = self.clock.time()
        outcome: otp.OtpOutcome = await self._write(
            lambda conn: otp.check_code_in(
                conn, now, user_id=user_id, purpose=purpose, code=code, challenge_id=challenge_id, ttl=ttl
            )
        )
        if outcome.result == "ok" and outcome.token is not None:
            return outcome.token
        if outcome.result == "expired":
            raise ValidationFailed("the code has expired", code="otp_expired", challenge_id=outcome.challenge_id)
        if outcome.result == "locked":
            raise ValidationFailed(
                "too many wrong codes; request a new one", code="otp_locked", challenge_id=outcome.challenge_id
            )
        if outcome.result == "missing":
            raise ValidationFailed("no pending code for this purpose", code="invalid_otp", attempts_remaining=0)
        raise ValidationFailed(
            "the code is not valid",
            code="invalid_otp",
            challenge_id=outcome.challenge_id,
            attempts_remaining=outcome.attempts_remaining,
        )

    async def enable_totp(self, user_id: int, secret: str | None = None) -> tuple[str, str]:
        """Turn 2FA on with a new random secret, or with ``secret`` (base32, e.g. a fixture's known one)."""
        chosen = otp.new_totp_secret() if secret is None else otp.check_totp_secret(secret)
        user = await self._update(user_id, {"totp_secret": chosen, "totp_enabled": 1, "totp_last_counter": None})
        return chosen, otp.totp_uri(chosen, user.email)

    async def totp_secret(self, user_id: int) -> str | None:
        """The user's TOTP secret when 2FA is on (sandbox convenience: fixtures compare it before changing it)."""
        secret, enabled, _ = await self.db.read(lambda conn: usr.totp_state(conn, user_id))
        return secret if enabled else None

    async def disable_totp(self, user_id: int) -> User:
        return await self._update(user_id, {"totp_secret": None, "totp_enabled": 0, "totp_last_counter": None})

    async def current_totp(self, user_id: int) -> str:
        """Sandbox convenience (control API, tests): the TOTP code valid now on the sandbox clock."""
        secret, enabled, _ = await self.db.read(lambda conn: usr.totp_state(conn, user_id))
        if not enabled or not secret:
            raise ValidationFailed("TOTP is not enabled for this user", code="totp_not_enabled")
        return str(otp.pyotp.TOTP(secret).at(int(self.clock.time())))

    async def verify_totp(
        self, user_id: int, purpose: str, code: str, *, ttl: int = otp.VERIFICATION_TTL
    ) -> VerificationToken:
        now = self.clock.time()

        def run(conn: sqlite3.Connection) -> VerificationToken | str:
            secret, enabled, last_counter = usr.totp_state(conn, user_id)
            if not enabled or not secret:
                return "totp_not_enabled"
            counter = otp.totp_counter_for(secret, code, now)
            if counter is None or (last_counter is not None and counter <= int(last_counter)):
                return "invalid_otp"  # wrong, or a replay of an already used code
            conn.execute("UPDATE users SET totp_last_counter = ? WHERE id = ?", (counter, user_id))
            return otp.issue_verification_in(conn, now, user_id=user_id, purpose=purpose, method="totp", ttl=ttl)

        result = await self._write(run)
        if result == "totp_not_enabled":
            raise ValidationFailed("TOTP is not enabled for this user", code="totp_not_enabled")
        if isinstance(result, str):
            raise ValidationFailed("the code is not valid", code="invalid_otp")
        return result

    async def consume_verification_token(self, user_id: int, purpose: str, token: str) -> None:
        now = self.clock.time()
        ok = await self._write(
            lambda conn: otp.consume_in(conn, now, user_id=user_id, purpose=purpose, token=str(token or ""))
        )
        if not ok:
            raise ValidationFailed(
                "verification token is invalid, expired, already used or for another purpose",
                code="invalid_verification_token",
            )

    async def pending_challenges(self, user_id: int) -> list[OtpChallenge]:
        now = self.clock.time()
        return await self.db.read(lambda conn: otp.pending_in(conn, now, user_id))

    # -- inbox ---------------------------------------------------------------------------------
    async def deliver(
        self,
        channel: str,
        to: str,
        subject: str,
        body: str,
        *,
        code: str | None = None,
        purpose: str | None = None,
        user_id: int | None = None,
    ) -> int:
        now = self.clock.time()
        message_id: int = await self._write(
            lambda conn: inbox_sql.deliver_in(
                conn, now, channel, to, subject, body, code=code, purpose=purpose, user_id=user_id
            )
        )
        return message_id

    async def inbox(self, to: str | None = None, purpose: str | None = None, limit: int = 50) -> list[InboxMessage]:
        return await self.db.read(lambda conn: inbox_sql.list_in(conn, to, purpose, limit))


def _strip_bearer(token: str) -> str:
    token = (token or "").strip() if isinstance(token, str) else ""
    if token[:7].lower() == "bearer ":
        token = token[7:].strip()
    return token
