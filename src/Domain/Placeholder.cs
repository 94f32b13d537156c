namespace Vigil.Domain;

internal static class Placeholder;
