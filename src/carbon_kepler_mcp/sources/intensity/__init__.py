"""Grid-intensity providers: Electricity Maps, WattTime, the Carbon Aware SDK WebAPI and the operator's file,
each normalised to one :class:`~.base.IntensitySeries`, and an ordered fallback chain (:mod:`.chain`)."""
