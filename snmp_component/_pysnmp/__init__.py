"""The only package that imports pysnmp.

Importing this package is cheap: it imports nothing. :mod:`snmp_component._pysnmp.v3` (the
SNMPv3 adapter, which imports pysnmp) is imported only when an SNMPv3 component is created.
"""
