from lambda_wait.cli import main

main()
