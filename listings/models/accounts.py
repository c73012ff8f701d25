from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        # Log-in by e-mail is case-insensitive; addresses are stored lower-case.
        return self.get(email__iexact=email)


class User(AbstractUser):
    """Log-in by e-mail; no user name."""

    username = None
    first_name = None
    last_name = None
    name = models.CharField(_("Name"), max_length=150, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    email_verified_at = models.DateTimeField(_("E-Mail bestätigt am"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("Benutzer")
        verbose_name_plural = _("Benutzer")
        ordering = ["email"]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name or self.email

    @property
    def company(self):
        membership = getattr(self, "membership", None)
        return membership.company if membership else None


class EmployerMembership(models.Model):
    """A user belongs to at most one company; a company has several users."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Inhaber")
        MEMBER = "member", _("Mitglied")

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="membership", verbose_name=_("Benutzer")
    )
    company = models.ForeignKey(
        "listings.Company",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("Unternehmen"),
    )
    role = models.CharField(_("Rolle"), max_length=10, choices=Role, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eingeladen von"),
    )
    created_at = models.DateTimeField(_("erstellt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        ordering = ["company", "user"]

    def __str__(self):
        return f"{self.user} @ {self.company}"
