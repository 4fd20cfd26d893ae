using System.Buffers.Text;
using System.Globalization;
using System.Text;
using OrleansSessions.Abstractions;

namespace OrleansSessions.Grains;

/// <summary>Where a listing page ended: the last entry's activity and session id, opaque to clients.</summary>
internal readonly record struct SessionListCursor(long Activity, string SessionId)
{
    public override string ToString() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            Activity.ToString(CultureInfo.InvariantCulture) + ":" + SessionId));

    /// <exception cref="InvalidSessionRequestException">not a cursor this service issued.</exception>
    public static SessionListCursor Parse(string text)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
            var colon = decoded.IndexOf(':');
            if (colon > 0 && long.TryParse(decoded.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var activity)
                && colon + 1 < decoded.Length)
            {
                return new SessionListCursor(activity, decoded[(colon + 1)..]);
            }
        }
        catch (FormatException)
        {
        }
        throw new InvalidSessionRequestException("cursor", "cursor is not one returned by a previous listing.");
    }
}
