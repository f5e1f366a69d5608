# sapa-sync on a Windows office PC: a scheduled task that starts the worker when the user logs on
# and restarts it within a minute if it stops. Run in PowerShell as the user who works on the
# workbook (the workbook and the letters folder are that user's files):
#   powershell -ExecutionPolicy Bypass -File deploy\windows\install-task.ps1 -Folder C:\sapa-sync
# Remove it again with: Unregister-ScheduledTask -TaskName "SAPA Sync"
param(
    [string]$Folder = "C:\sapa-sync",                      # where the venv and office.yaml are
    [string]$Config = "C:\sapa-sync\office.yaml"
)
$exe = Join-Path $Folder "venv\Scripts\sapa-sync.exe"
if (-not (Test-Path $exe)) { throw "sapa-sync is not installed in $Folder\venv (see deploy\README.md)" }
$action = New-ScheduledTaskAction -Execute $exe -Argument "--config `"$Config`" run" -WorkingDirectory $Folder
$trigger = New-ScheduledTaskTrigger -AtLogOn -User "$env:USERDOMAIN\$env:USERNAME"
$settings = New-ScheduledTaskSettingsSet `
    -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
    -ExecutionTimeLimit ([TimeSpan]::Zero) -MultipleInstances IgnoreNew `
    -StartWhenAvailable -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries
Register-ScheduledTask -TaskName "SAPA Sync" -Action $action -Trigger $trigger -Settings $settings `
    -Description "sapa-sync: respons formulir SAPA menjadi kasus (DSP3A)" -Force
Start-ScheduledTask -TaskName "SAPA Sync"
