namespace Mesh.Interfaces.Model;

/// <summary>
/// Whether an app exists, as the route table's reconciliation needs to know it: an app whose
/// creation is under way is in the catalogue before its state is written, and must not be
/// taken for one whose state was lost.
/// </summary>
[GenerateSerializer, Alias("mesh.AppPresence")]
public enum AppPresence
{
    Absent,
    Creating,
    Exists,
}
