"""The synthetic demo data: a seeded generator of registration sheets, labelled SYNTHETIC.

- ``generator``  calibration, sampling, planted mess and writing of the demo sheets

Belongs here: everything that invents data. Nothing outside this package invents a row.
"""
