"""Fault injection: a scriptable UDP proxy between the component and a real agent."""
