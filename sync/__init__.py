"""The sapa-sync worker: reads the form responses, decides, writes the staff's tabs."""
