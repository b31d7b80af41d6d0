; eimza:// links open the app: registered per user (HKCU), so no administrator rights are needed.
!macro customInstall
  WriteRegStr HKCU "Software\Classes\eimza" "" "URL:eimza"
  WriteRegStr HKCU "Software\Classes\eimza" "URL Protocol" ""
  WriteRegStr HKCU "Software\Classes\eimza\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr HKCU "Software\Classes\eimza\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
!macroend

!macro customUnInstall
  DeleteRegKey HKCU "Software\Classes\eimza"
!macroend
