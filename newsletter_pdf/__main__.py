"""python -m newsletter_pdf"""

from .cli import main

main()
