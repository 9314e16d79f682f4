"""Distribution: the email edition (.eml), sending it safely over SMTP, and postal address labels."""
