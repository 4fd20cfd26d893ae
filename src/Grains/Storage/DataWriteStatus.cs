namespace OrleansSessions.Grains.Storage;

internal enum DataWriteStatus { Missing, Stale, Written }
