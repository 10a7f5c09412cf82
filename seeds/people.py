"""Plausible people per country: a seeded Faker per locale, phones in each platform's format."""

from __future__ import annotations

import random
from dataclasses import dataclass

from faker import Faker


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    locale: str  # Faker locale
    currency: str  # home wallet currency
    dial: str  # international prefix
    national_digits: int  # digits after the prefix
    first_digits: tuple[str, ...]  # plausible first digits of a mobile number
    weight: int  # share of generated users


# Kenya (Cashier/M-Pesa), Nigeria (Tribble/airtime), India (Nivo: +91XXXXXXXXXX), Norway (Drop),
# Europe (EUR), US (USD).
COUNTRIES: tuple[Country, ...] = (
    Country("KE", "en_KE", "KES", "+254", 9, ("7", "1"), 18),
    Country("NG", "en_NG", "NGN", "+234", 10, ("80", "81", "90", "70"), 18),
    Country("IN", "en_IN", "INR", "+91", 10, ("9", "8", "7", "6"), 18),
    Country("NO", "no_NO", "NOK", "+47", 8, ("4", "9"), 16),
    Country("DE", "de_DE", "EUR", "+49", 11, ("15", "16", "17"), 8),
    Country("FR", "fr_FR", "EUR", "+33", 9, ("6", "7"), 6),
    Country("GB", "en_GB", "EUR", "+44", 10, ("7",), 4),
    Country("US", "en_US", "USD", "+1", 10, ("2", "3", "4", "5", "6", "7", "8", "9"), 12),
)
BY_CODE = {c.code: c for c in COUNTRIES}


@dataclass(frozen=True, slots=True)
class Person:
    first_name: str
    last_name: str
    email: str
    phone: str
    date_of_birth: str
    country: Country


class People:
    """Deterministic people: one ``random.Random`` picks, one Faker per locale (seeded) names."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        self.rng = rng
        self.fakers: dict[str, Faker] = {}
        for i, country in enumerate(COUNTRIES):
            faker = Faker(country.locale)
            faker.seed_instance(seed * 31 + i)
            self.fakers[country.code] = faker
        self.phones: set[str] = set()
        self.emails: set[str] = set()

    def country(self) -> Country:
        return self.rng.choices(COUNTRIES, weights=[c.weight for c in COUNTRIES])[0]

    def phone(self, country: Country) -> str:
        while True:
            lead = self.rng.choice(country.first_digits)
            rest = "".join(str(self.rng.randrange(10)) for _ in range(country.national_digits - len(lead)))
            phone = f"{country.dial}{lead}{rest}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def reserve(self, email: str, phone: str) -> None:
        self.emails.add(email.lower())
        self.phones.add(phone)

    def person(self, country: Country, index: int) -> Person:
        faker = self.fakers[country.code]
        first = faker.first_name()
        last = faker.last_name()
        local = "".join(ch for ch in f"{first}.{last}".lower() if ch.isascii() and (ch.isalnum() or ch == "."))
        email = f"{local or 'user'}.{index}@{country.code.lower()}.example.com"  # a reserved domain
        self.emails.add(email)
        year = 1960 + self.rng.randrange(45)
        month = 1 + self.rng.randrange(12)
        day = 1 + self.rng.randrange(28)
        return Person(first, last, email, self.phone(country), f"{year:04d}-{month:02d}-{day:02d}", country)
