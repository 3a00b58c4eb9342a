global using FsCheck.Xunit;
