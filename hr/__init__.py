"""The HR domain on top of the approval engine.

HR processes (vacation, sick leave, business trip, dismissal, hiring) are ordinary process
files in ``hr/processes/``. What is HR-specific — leave types and balances, the working-day
calendar, the absence schedule and deputies — will live in this package as validations and
effects, not as a second engine (see DESIGN.md).
"""
