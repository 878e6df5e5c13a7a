"""What was found: findings, the sanitize report and the results of a check. Data only:
a finding names a secret by rule, place, fingerprint and masked preview, never by value."""
