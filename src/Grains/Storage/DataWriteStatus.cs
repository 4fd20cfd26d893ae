namespace OrleansSessions.Grains.Storage;

public enum DataWriteStatus { Missing, Stale, Written }
