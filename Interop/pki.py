"""Test certificates for the TLS interop runs (--profile 2|3), made at run time with the
`cryptography` package and written as PEM into the run's folder; nothing is committed.

make_pki(folder, cp_id) writes:
  ca.pem / ca.key                 one CA for everything (the run trusts only it)
  gateway.pem / gateway.key       the gateway's listener certificate: IP SAN 127.0.0.1
  backend.pem / backend.key       the TLS backend's server certificate: IP SAN 127.0.0.1
  cp.pem / cp.key                 the charge point's client certificate: CN = cp_id, O = OPERATOR
  to-backend/<cp_id>.pem / .key   the gateway's client certificate towards the backend, CN = cp_id
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

OPERATOR = "Interop Operator"


def _name(cn: str, o: str | None = OPERATOR) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if o:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, o))
    return x509.Name(parts)


def _write(folder: str, stem: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> None:
    with open(os.path.join(folder, stem + ".pem"), "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    path = os.path.join(folder, stem + ".key")
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))


def _issue(ca_cert, ca_key, subject: x509.Name, server: bool):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder()
               .subject_name(subject).issuer_name(ca_cert.subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(hours=1))
               .not_valid_after(now + datetime.timedelta(days=2))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                            crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH if server
                                                     else ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False))
    if server:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]), critical=False)
    return builder.sign(ca_key, hashes.SHA256()), key


def make_pki(folder: str, cp_id: str) -> dict[str, str]:
    """Writes the files described above; returns their paths by name."""
    os.makedirs(os.path.join(folder, "to-backend"), exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_name = _name("chargemux interop CA")
    ca_cert = (x509.CertificateBuilder()
               .subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(hours=1))
               .not_valid_after(now + datetime.timedelta(days=2))
               .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                            crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    _write(folder, "ca", ca_cert, ca_key)
    _write(folder, "gateway", *_issue(ca_cert, ca_key, _name("127.0.0.1"), server=True))
    _write(folder, "backend", *_issue(ca_cert, ca_key, _name("127.0.0.1"), server=True))
    _write(folder, "cp", *_issue(ca_cert, ca_key, _name(cp_id), server=False))
    _write(os.path.join(folder, "to-backend"), cp_id, *_issue(ca_cert, ca_key, _name(cp_id), server=False))
    names = ["ca", "gateway", "backend", "cp"]
    paths = {n + ext: os.path.join(folder, n + "." + ext) for n in names for ext in ("pem", "key")}
    paths["to-backend"] = os.path.join(folder, "to-backend")
    return paths


def server_context(paths: dict[str, str], stem: str, client_ca: bool) -> ssl.SSLContext:
    """A TLS 1.2+ server context with `stem`'s certificate; requires a client certificate from the
    CA when `client_ca`."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(paths[stem + "pem"], paths[stem + "key"])
    if client_ca:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(paths["capem"])
    return ctx


def client_context(paths: dict[str, str], with_certificate: bool) -> ssl.SSLContext:
    """A TLS 1.2+ client context trusting only the run's CA (the IP SAN is checked); presents the
    charge point's certificate when `with_certificate`."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_verify_locations(paths["capem"])
    if with_certificate:
        ctx.load_cert_chain(paths["cppem"], paths["cpkey"])
    return ctx
