"""python -m newsletter_pdf"""

from newsletter_pdf.cli.app import main

main()
