"""Read models: each module builds what one screen shows (the Phone tab, the board, a team's
page, the decision log, the charts) from the domain and the rows, with the instant read once.
Use cases that change things live in app/services; views never write."""
